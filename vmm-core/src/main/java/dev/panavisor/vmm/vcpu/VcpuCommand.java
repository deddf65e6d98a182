package dev.panavisor.vmm.vcpu;

/** Control requests to a vCPU thread. Plain constants so that posting one allocates nothing. */
public enum VcpuCommand {
    /** Leave the guest and park until RESUME, STOP or a {@link Vcpu#runOnThread task}. */
    PAUSE,
    /** Re-enter the guest. */
    RESUME,
    /** Leave the guest and end the thread. */
    STOP
}
