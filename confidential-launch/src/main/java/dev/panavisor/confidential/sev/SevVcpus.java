package dev.panavisor.confidential.sev;

/**
 * The vCPUs whose VMSAs an SEV-ES or SEV-SNP launch measures: how many, which CPUID signature
 * they report, and whose reset state they start in.
 */
public record SevVcpus(int count, int signature, VmmFlavor vmm) {
    public SevVcpus {
        if (count < 1) throw new IllegalArgumentException("need at least one vCPU, got " + count);
        if (vmm == null) throw new NullPointerException("vmm");
    }

    public static SevVcpus of(int count, VcpuType type) {
        return new SevVcpus(count, type.signature(), VmmFlavor.QEMU);
    }
}
