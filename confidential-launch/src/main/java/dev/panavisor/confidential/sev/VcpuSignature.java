package dev.panavisor.confidential.sev;

/**
 * The 32-bit CPUID Fn0000_0001 EAX signature of a vCPU (AMD CPUID Specification #25481,
 * "Family, Model, Stepping Identifiers"). KVM puts it in RDX at reset, so it is part of every
 * SEV-ES/SNP VMSA and hence of the launch digest: the attesting party must know the vCPU model
 * the VMM presented.
 */
public final class VcpuSignature {
    private VcpuSignature() {}

    /**
     * Encodes family, model and stepping. Families above 0xf are written as base family 0xf plus
     * extended family {@code family - 0xf}; the model's high nibble goes to the extended model.
     */
    public static int of(int family, int model, int stepping) {
        if (family < 0 || family > 0xf + 0xff) throw new IllegalArgumentException("family out of range: " + family);
        if (model < 0 || model > 0xff) throw new IllegalArgumentException("model out of range: " + model);
        if (stepping < 0 || stepping > 0xf) throw new IllegalArgumentException("stepping out of range: " + stepping);
        int baseFamily = Math.min(family, 0xf);
        int extendedFamily = family > 0xf ? family - 0xf : 0;
        return extendedFamily << 20 | (model >> 4) << 16 | baseFamily << 8 | (model & 0xf) << 4 | stepping;
    }

    public static int family(int signature) {
        int base = (signature >> 8) & 0xf;
        return base == 0xf ? base + ((signature >> 20) & 0xff) : base;
    }

    public static int model(int signature) {
        return ((signature >> 16) & 0xf) << 4 | (signature >> 4) & 0xf;
    }

    public static int stepping(int signature) {
        return signature & 0xf;
    }
}
