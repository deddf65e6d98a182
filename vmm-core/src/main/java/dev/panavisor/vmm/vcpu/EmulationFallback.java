package dev.panavisor.vmm.vcpu;

import dev.panavisor.kvm.VcpuFd;

/**
 * What the VMM does about instructions the host's KVM cannot carry out
 * (KVM_EXIT_INTERNAL_ERROR / EMULATION with instruction bytes) or carries out wrongly (the
 * exits a repair asks for: filtered MSR writes, its own debug breakpoints). Called on the
 * vCPU's thread.
 */
@FunctionalInterface
public interface EmulationFallback {
    /** Returns true when the instruction was completed (or raised its exception) and the vCPU may resume. */
    boolean tryEmulate(VcpuFd vcpu, byte[] instruction);

    /** Why the last {@link #tryEmulate} returned false (instruction and reason), for the stop report; may be null. */
    default String lastRefusal() { return null; }

    /**
     * KVM_EXIT_X86_WRMSR for an MSR write the VM filtered: true when it was carried out, false
     * to have KVM raise #GP in the guest (what an MSR nobody handles does on hardware).
     */
    default boolean msrWrite(VcpuFd vcpu, int index, long value) { return false; }

    /** KVM_EXIT_DEBUG: true when it was handled and the vCPU may resume; false stops the VM with a report. */
    default boolean debugExit(VcpuFd vcpu, long pc, long dr6) { return false; }

    /**
     * The VM found that this host's emulator runs SYSCALL without entering CPL 0 and now hands
     * the guest's IA32_LSTAR writes to {@link #msrWrite}: start completing system calls. Called
     * on the vCPU's thread; a fallback that cannot repair them ignores it.
     */
    default void activateSyscallRepair() {}

    EmulationFallback NONE = (vcpu, insn) -> false;
}
