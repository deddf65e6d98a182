package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.boot.RealModeEntry;
import dev.panavisor.vmm.bus.BusDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reset that swaps in a fresh KVM VM keeps guest RAM and devices, and leaks no fds. */
@RequiresKvm
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VmContextRebuildTest {
    /**
     * Real mode at 0x10000, DS = 0: increments the word at 0x100, writes its low byte to port
     * 0x600, asks for a reset through port 0x601, then spins: mov ax,[0x100]; inc ax;
     * mov [0x100],ax; mov dx,0x600; out dx,al; inc dx; out dx,al; jmp $.
     */
    static final byte[] COUNT_IN_RAM_THEN_RESET = TinyGuests.bytes(0xa1, 0x00, 0x01, 0x40, 0xa3, 0x00, 0x01,
            0xba, 0x00, 0x06, 0xee, 0x42, 0xee, 0xeb, 0xfe);

    /** With a spare, every rebuild takes the KVM VM made ahead after the previous reset; without, it makes one. */
    @ParameterizedTest(name = "spare KVM VM: {0}")
    @ValueSource(booleans = {false, true})
    void eachResetRunsOnAFreshKvmVmWithTheSameRamAndDevicesAndNoFdsLeak(boolean spare) throws IOException {
        int cycles = 120;
        List<Long> counts = new CopyOnWriteArrayList<>();
        List<Long> fdsAtReset = new ArrayList<>();
        List<VmFd> fds = new ArrayList<>();
        try (Kvm kvm = Kvm.open()) {
            Vm vm = Vm.builder(kvm).vcpus(2)
                    .memory(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false)))
                    .spareKvmContext(spare)
                    .resetHandler(v -> {
                        fds.add(v.fd());
                        v.rebuildKvmContext();
                        enter(v);
                        try { fdsAtReset.add(openFds()); } catch (IOException e) { throw new RuntimeException(e); }
                    })
                    .build();
            try (vm) {
                installCountingGuest(vm, value -> {
                    counts.add(value);
                    if (counts.size() == cycles) vm.requestExit(VmExit.of(VmExit.Reason.POWER_OFF));
                });
                vm.start();
                VmExit exit = vm.runUntilExit();
                assertEquals(VmExit.Reason.POWER_OFF, exit.reason(), exit.detail());
                // The counter lives in guest RAM: it counting up across resets proves the memory was kept.
                for (int i = 0; i < cycles; i++) assertEquals((i + 1) & 0xFF, counts.get(i), "count " + i);
                assertTrue(vm.kvmContextRebuilds() >= cycles - 1, "rebuilds " + vm.kvmContextRebuilds());
                for (int i = 1; i < fds.size(); i++) assertNotSame(fds.get(i - 1), fds.get(i));
                assertEquals(fdsAtReset.get(10), fdsAtReset.getLast(), "open fds after reset 10 vs the last: " + fdsAtReset);
            }
        }
    }

    /**
     * A device thread raising an interrupt while resets swap the KVM VM never reaches a closed
     * (or reused) VM fd: {@link Vm#irqLine} pins the context it uses.
     */
    @Test
    void interruptsFromAnotherThreadDuringRebuildsNeverHitAClosedVmFd() throws Exception {
        int cycles = 60;
        List<Long> counts = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        long[] raised = new long[1];
        try (Kvm kvm = Kvm.open()) {
            Vm vm = Vm.builder(kvm).vcpus(2)
                    .memory(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false)))
                    .beforeVcpus(VmFd::createIrqchip)
                    .resetHandler(v -> {
                        v.rebuildKvmContext();
                        enter(v);
                    })
                    .build();
            try (vm) {
                installCountingGuest(vm, value -> {
                    counts.add(value);
                    if (counts.size() == cycles) vm.requestExit(VmExit.of(VmExit.Reason.POWER_OFF));
                });
                Thread device = Thread.ofPlatform().daemon().start(() -> {
                    boolean level = false;
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            vm.irqLine(4, level = !level);
                            raised[0]++;
                        } catch (Throwable t) {
                            failures.add(t);
                            return;
                        }
                    }
                });
                vm.start();
                VmExit exit = vm.runUntilExit();
                device.interrupt();
                device.join();
                assertEquals(VmExit.Reason.POWER_OFF, exit.reason(), exit.detail());
                assertEquals(List.of(), failures);
                assertTrue(vm.kvmContextRebuilds() >= cycles - 1, "rebuilds " + vm.kvmContextRebuilds());
                assertTrue(raised[0] > cycles, "the device thread raised " + raised[0] + " interrupts");
            }
        }
    }

    /** The spare KVM VM is the VM's to close: after close, the process has the fds it had before. */
    @Test
    void closingAVmClosesItsSpareKvmVmToo() throws Exception {
        try (Kvm kvm = Kvm.open()) {
            long before = openFds();
            int[] resets = new int[1];
            Vm vm = Vm.builder(kvm).vcpus(2)
                    .memory(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false)))
                    .spareKvmContext(true)
                    .resetHandler(v -> {
                        v.rebuildKvmContext();
                        enter(v);
                    })
                    .build();
            installCountingGuest(vm, value -> {
                if (++resets[0] == 5) vm.requestExit(VmExit.of(VmExit.Reason.POWER_OFF));
            });
            vm.start();
            assertEquals(VmExit.Reason.POWER_OFF, vm.runUntilExit().reason());
            long live = openFds();
            assertTrue(live >= before + 2 * 3, "a live VM with a spare holds two VM fds and four vCPU fds at least: " + before + " -> " + live);
            vm.close();
            assertEquals(before, openFds(), "fds left open after close");
        }
    }

    @Test
    void rebuildingOutsideTheResetHandlerIsRefused() {
        try (Kvm kvm = Kvm.open(); Vm vm = TinyGuests.boot(kvm, TinyGuests.HALT, 1)) {
            assertThrows(IllegalStateException.class, vm::rebuildKvmContext);
        }
    }

    /**
     * Loads {@link #COUNT_IN_RAM_THEN_RESET} for vCPU 0 (vCPU 1 halts, so a leaked or stale vCPU
     * would show up) and wires its ports: 0x600 hands each count to {@code onCount}, 0x601 asks
     * for a reset.
     */
    private static void installCountingGuest(Vm vm, LongConsumer onCount) {
        vm.memory().write(TinyGuests.LOAD, COUNT_IN_RAM_THEN_RESET);
        vm.memory().write(0x20000, TinyGuests.HALT);
        enter(vm);
        vm.pio().register(0x600, 1, writeOnlyPort(onCount), "count");
        vm.pio().register(0x601, 1, writeOnlyPort(value -> vm.requestReset("test guest")), "reset");
    }

    private static BusDevice writeOnlyPort(LongConsumer onWrite) {
        return new BusDevice() {
            @Override public long read(long offset, int size) { return 0; }
            @Override public void write(long offset, int size, long value) { onWrite.accept(value); }
        };
    }

    private static void enter(Vm vm) {
        RealModeEntry.apply(vm.vcpus().get(0).fd(), 0x1000, 0);
        RealModeEntry.apply(vm.vcpus().get(1).fd(), 0x2000, 0);
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
