package dev.panavisor.firmware.igvm;

/** An ECDSA signature as the SEV-SNP firmware lays it out: r and s, each 72 bytes little-endian. */
public record SnpSignature(ByteBlock rComponent, ByteBlock sComponent) {
    public static final int SIZE = 144;
    static final int COMPONENT = 72;

    public SnpSignature {
        FieldRanges.length("rComponent", rComponent, COMPONENT);
        FieldRanges.length("sComponent", sComponent, COMPONENT);
    }

    public static SnpSignature zero() {
        return new SnpSignature(ByteBlock.zeros(COMPONENT), ByteBlock.zeros(COMPONENT));
    }
}
