package dev.panavisor.vmm.vcpu;

/**
 * Where a vCPU reports exits it cannot handle by itself. Called on the vCPU's thread;
 * implementations hand the event to the VM's controller and return at once. After any
 * of these calls the vCPU parks until it is told to resume, reset or stop.
 */
public interface VcpuSupervisor {
    /** HLT with no in-kernel irqchip to wake the vCPU: it is idle until someone resumes it. */
    void halted(Vcpu vcpu);

    /** KVM_EXIT_SHUTDOWN: a triple fault (or an SVM shutdown intercept). */
    void shutdown(Vcpu vcpu, String registers);

    /** KVM_EXIT_SYSTEM_EVENT, e.g. a PSCI-style or in-kernel requested reset/shutdown. */
    void systemEvent(Vcpu vcpu, int type);

    /** Anything the VMM cannot continue from: internal errors, failed entry, unknown exits. */
    void failed(Vcpu vcpu, String report);
}
