package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.Mapping;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.boot.RealModeEntry;
import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.memory.RomDeviceMapping;
import dev.panavisor.vmm.vcpu.Vcpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ROM device window's memslot flips between direct read-only and trapped while a vCPU
 * keeps reading and writing it: the guest must always read the same value (from memory or
 * from the device), its writes must always reach the device, and nothing may fail.
 */
@RequiresKvm
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RomDeviceMappingTest {
    static final long ROM = 0x90000;
    static final byte VALUE = 0x5A;

    /**
     * mov ax,0x9000; mov ds,ax; mov dx,0x600;
     * L: mov al,[0x10]; mov [0x20],al; out dx,al; jmp L
     */
    static final byte[] READ_WRITE_FOREVER = TinyGuests.bytes(0xb8, 0x00, 0x90, 0x8e, 0xd8, 0xba, 0x00, 0x06,
            0xa0, 0x10, 0x00, 0xa2, 0x20, 0x00, 0xee, 0xeb, 0xf7);

    @Test
    void flippingTheSlotWhileTheGuestRunsIsInvisibleToIt() throws Exception {
        AtomicLong portWrites = new AtomicLong();
        AtomicLong wrongValues = new AtomicLong();
        AtomicLong trappedReads = new AtomicLong();
        AtomicLong romWrites = new AtomicLong();
        try (Kvm kvm = Kvm.open(); Mapping rom = Mapping.anonymous(4096);
             Vm vm = Vm.builder(kvm).memory(List.of(new GuestRam.Layout("ram", 0, 0x80000, false))).build()) {
            rom.segment().set(ValueLayout.JAVA_BYTE, 0x10, VALUE);
            vm.memory().write(TinyGuests.LOAD, READ_WRITE_FOREVER);
            for (Vcpu v : vm.vcpus()) RealModeEntry.apply(v.fd(), 0x1000, 0);
            RomDeviceMapping window = vm.mapRomDevice("test-rom", ROM, rom.segment());
            vm.mmio().register(ROM, 4096, new BusDevice() {
                @Override public long read(long offset, int size) {
                    trappedReads.incrementAndGet();
                    return Byte.toUnsignedLong(rom.segment().get(ValueLayout.JAVA_BYTE, offset));
                }
                @Override public void write(long offset, int size, long value) {
                    if (offset == 0x20 && value == Byte.toUnsignedLong(VALUE)) romWrites.incrementAndGet();
                }
            }, "test-rom");
            vm.pio().register(0x600, 1, new BusDevice() {
                @Override public long read(long offset, int size) { return 0; }
                @Override public void write(long offset, int size, long value) {
                    portWrites.incrementAndGet();
                    if (value != Byte.toUnsignedLong(VALUE)) wrongValues.incrementAndGet();
                }
            }, "probe");
            vm.start();
            Thread flipper = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 400; i++) {
                    window.trapAll();
                    sleepMicros(300);
                    window.mapReadOnly();
                    sleepMicros(300);
                }
                vm.requestExit(new VmExit(VmExit.Reason.HOST_STOP, 0, "flipping done"));
            });
            VmExit exit = vm.runUntilExit();
            flipper.join();
            assertEquals(VmExit.Reason.HOST_STOP, exit.reason(), exit.detail());
        }
        assertTrue(portWrites.get() > 100, "the guest kept running: " + portWrites.get());
        assertEquals(0, wrongValues.get(), "every read saw the ROM's value");
        assertTrue(trappedReads.get() > 0, "some reads arrived while trapped");
        assertTrue(romWrites.get() >= portWrites.get() - 1, "every write reached the device: " + romWrites.get() + " of " + portWrites.get());
    }

    private static void sleepMicros(long us) {
        long end = System.nanoTime() + us * 1000;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }
}
