package dev.panavisor.vmm.vcpu;

import dev.panavisor.kvm.VcpuFd;

/**
 * A chance to carry out an instruction KVM's emulator gave up on
 * (KVM_EXIT_INTERNAL_ERROR / EMULATION with instruction bytes).
 */
@FunctionalInterface
public interface EmulationFallback {
    /** Returns true when the instruction was completed and the vCPU may resume. */
    boolean tryEmulate(VcpuFd vcpu, byte[] instruction);

    EmulationFallback NONE = (vcpu, insn) -> false;
}
