package dev.panavisor.vmm.vcpu.fallback;

/**
 * The instruction is decoded but this case cannot be carried out faithfully (e.g. a memory
 * operand in MMIO, a supervisor XSAVE component KVM does not expose): the VM stops with a report.
 */
public final class EmulationRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public EmulationRefused(String why) {
        super(why);
    }
}
