package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_irqchip;
import dev.panavisor.kvm.sys.kvm_pit_state2;
import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

/** A platform reset puts the in-kernel 8259s, I/O APIC and 8254 back to power-on state. */
@RequiresKvm
class InKernelChipsPowerOnStateTest {
    /** kvm_irqchip: u32 chip_id, u32 pad, then the chip's state; kvm_pic_state's third byte is IMR. */
    private static final long PIC_IMR = 8 + 2;
    /** kvm_ioapic_state: base_address u64, ioregsel u32, id u32, irr u32, pad u32, then 24 redirection entries of 8 bytes. */
    private static final long IOAPIC_REDIR0 = 8 + 24;

    private static byte[] chip(VmFd vm, Arena a, int id) {
        MemorySegment c = kvm_irqchip.allocate(a);
        kvm_irqchip.chip_id(c, id);
        vm.getIrqchip(c);
        return c.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] pit(VmFd vm, Arena a) {
        MemorySegment p = kvm_pit_state2.allocate(a);
        vm.getPit2(p);
        return p.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void whatTheGuestProgrammedIsUndoneByRestore() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); Arena a = Arena.ofConfined()) {
            vm.createIrqchip();
            vm.createPit2(KvmUapi.KVM_PIT_SPEAKER_DUMMY());
            byte[] master = chip(vm, a, KvmUapi.KVM_IRQCHIP_PIC_MASTER());
            byte[] ioapic = chip(vm, a, KvmUapi.KVM_IRQCHIP_IOAPIC());
            byte[] pit = pit(vm, a);
            try (InKernelChipsPowerOnState powerOn = InKernelChipsPowerOnState.capture(vm, true)) {
                // What a boot leaves behind: a PIC mask, a routed I/O APIC pin, a PIT channel counting.
                MemorySegment m = MemorySegment.ofArray(master.clone());
                m.set(ValueLayout.JAVA_BYTE, PIC_IMR, (byte) 0xFB);
                vm.setIrqchip(a.allocateFrom(ValueLayout.JAVA_BYTE, m.toArray(ValueLayout.JAVA_BYTE)));
                MemorySegment io = MemorySegment.ofArray(ioapic.clone());
                io.set(ValueLayout.JAVA_LONG_UNALIGNED, IOAPIC_REDIR0, 0x30L);
                vm.setIrqchip(a.allocateFrom(ValueLayout.JAVA_BYTE, io.toArray(ValueLayout.JAVA_BYTE)));
                MemorySegment p = MemorySegment.ofArray(pit.clone());
                p.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 1193);  // channel 0 count
                p.set(ValueLayout.JAVA_BYTE, 13, (byte) 2);         // channel 0 mode 2 (rate generator)
                vm.setPit2(a.allocateFrom(ValueLayout.JAVA_BYTE, p.toArray(ValueLayout.JAVA_BYTE)));
                assertNotEquals(master[(int) PIC_IMR], chip(vm, a, KvmUapi.KVM_IRQCHIP_PIC_MASTER())[(int) PIC_IMR], "the change took");
                assertFalse(java.util.Arrays.equals(ioapic, chip(vm, a, KvmUapi.KVM_IRQCHIP_IOAPIC())));
                assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(pit, 16), java.util.Arrays.copyOf(pit(vm, a), 16)));

                powerOn.restore(vm);

                assertArrayEquals(master, chip(vm, a, KvmUapi.KVM_IRQCHIP_PIC_MASTER()));
                assertArrayEquals(ioapic, chip(vm, a, KvmUapi.KVM_IRQCHIP_IOAPIC()));
                byte[] after = pit(vm, a);
                // count_load_time (offset 24 in each channel) is a host timestamp KVM sets at load.
                for (int ch = 0; ch < 3; ch++) {
                    int base = ch * 24;
                    assertArrayEquals(java.util.Arrays.copyOfRange(pit, base, base + 16), java.util.Arrays.copyOfRange(after, base, base + 16),
                            "PIT channel " + ch);
                }
            }
        }
    }
}
