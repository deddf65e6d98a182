package dev.panavisor.firmware.igvm;

/**
 * An ECDSA public key as the SEV-SNP firmware lays it out. The reserved word is kept rather than
 * checked because the reference model carries it through unchanged.
 */
public record SnpPublicKey(long curve, long reserved, ByteBlock qx, ByteBlock qy) {
    public static final int SIZE = 152;
    static final int COORDINATE = 72;

    public SnpPublicKey {
        FieldRanges.u32("curve", curve);
        FieldRanges.u32("reserved", reserved);
        FieldRanges.length("qx", qx, COORDINATE);
        FieldRanges.length("qy", qy, COORDINATE);
    }

    public static SnpPublicKey zero() {
        return new SnpPublicKey(0, 0, ByteBlock.zeros(COORDINATE), ByteBlock.zeros(COORDINATE));
    }
}
