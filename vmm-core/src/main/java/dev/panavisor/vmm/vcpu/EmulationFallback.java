package dev.panavisor.vmm.vcpu;

import dev.panavisor.kvm.VcpuFd;

/**
 * A chance to carry out an instruction KVM's emulator gave up on
 * (KVM_EXIT_INTERNAL_ERROR / EMULATION with instruction bytes). Called on the vCPU's thread.
 */
@FunctionalInterface
public interface EmulationFallback {
    /** Returns true when the instruction was completed (or raised its exception) and the vCPU may resume. */
    boolean tryEmulate(VcpuFd vcpu, byte[] instruction);

    /** Why the last {@link #tryEmulate} returned false (instruction and reason), for the stop report; may be null. */
    default String lastRefusal() { return null; }

    EmulationFallback NONE = (vcpu, insn) -> false;
}
