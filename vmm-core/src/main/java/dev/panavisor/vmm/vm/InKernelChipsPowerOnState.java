package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_irqchip;
import dev.panavisor.kvm.sys.kvm_pit_state2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The power-on state of the in-kernel interrupt controllers and timer (8259 PIC master and slave,
 * I/O APIC, 8254 PIT), taken from a KVM VM before its guest ever ran, and loaded back at every
 * cold reset. KVM keeps these chips' state across vCPU resets, but a platform reset (0xCF9, the
 * i8042 reset line, a triple fault) resets them on real hardware and in QEMU: without this, a
 * firmware booted after a reset found the previous boot's interrupt masks, vector bases and
 * redirection entries (and a PIT still counting in the mode it was left in).
 *
 * <p>The state is KVM's own reset state (what KVM_CREATE_IRQCHIP and KVM_CREATE_PIT2 give), so
 * it matches whatever the host's KVM considers power-on. LAPICs are per vCPU and reset with the
 * vCPUs; a rebuilt KVM context (a fresh VM) has power-on chips already.
 */
public final class InKernelChipsPowerOnState implements AutoCloseable {
    private static final int[] CHIPS = {KvmUapi.KVM_IRQCHIP_PIC_MASTER(), KvmUapi.KVM_IRQCHIP_PIC_SLAVE(), KvmUapi.KVM_IRQCHIP_IOAPIC()};

    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] chips = new MemorySegment[CHIPS.length];
    private final MemorySegment pit;

    private InKernelChipsPowerOnState(VmFd vm, boolean withPit) {
        for (int i = 0; i < CHIPS.length; i++) {
            chips[i] = kvm_irqchip.allocate(arena);
            kvm_irqchip.chip_id(chips[i], CHIPS[i]);
            vm.getIrqchip(chips[i]);
        }
        if (withPit) {
            pit = kvm_pit_state2.allocate(arena);
            vm.getPit2(pit);
        } else {
            pit = null;
        }
    }

    /** Reads the chips of {@code vm}, which must have its irqchip (and PIT, if {@code withPit}) and must not have run yet. */
    public static InKernelChipsPowerOnState capture(VmFd vm, boolean withPit) {
        return new InKernelChipsPowerOnState(vm, withPit);
    }

    /** Puts the chips of {@code vm} (the same VM, or another made the same way) back to the captured state. */
    public void restore(VmFd vm) {
        for (MemorySegment chip : chips) vm.setIrqchip(chip);
        if (pit != null) vm.setPit2(pit);
    }

    @Override
    public void close() {
        arena.close();
    }
}
