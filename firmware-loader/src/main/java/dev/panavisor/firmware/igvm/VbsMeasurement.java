package dev.panavisor.firmware.igvm;

/** A signed boot measurement for Hyper-V VBS isolation. Field meanings are Hyper-V's. */
public record VbsMeasurement(int compatibilityMask, long version, long productId, long moduleId,
                             long securityVersion, long policyFlags, long bootDigestAlgorithm,
                             long signingAlgorithm, ByteBlock bootMeasurementDigest, ByteBlock signature,
                             ByteBlock publicKey) implements DirectiveHeader, CompatibilityMasked {
    public static final int DIGEST_SIZE = 64;
    public static final int SIGNATURE_SIZE = 256;
    public static final int PUBLIC_KEY_SIZE = 512;
    /** Digest algorithm code for SHA-256. */
    public static final long DIGEST_SHA256 = 1;
    /** Signing algorithm code for ECDSA P-384. */
    public static final long SIGNING_ECDSA_P384 = 1;

    public VbsMeasurement {
        FieldRanges.u32("version", version);
        FieldRanges.u32("productId", productId);
        FieldRanges.u32("moduleId", moduleId);
        FieldRanges.u32("securityVersion", securityVersion);
        FieldRanges.u32("policyFlags", policyFlags);
        FieldRanges.u32("bootDigestAlgorithm", bootDigestAlgorithm);
        FieldRanges.u32("signingAlgorithm", signingAlgorithm);
        FieldRanges.length("bootMeasurementDigest", bootMeasurementDigest, DIGEST_SIZE);
        FieldRanges.length("signature", signature, SIGNATURE_SIZE);
        FieldRanges.length("publicKey", publicKey, PUBLIC_KEY_SIZE);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.VBS_MEASUREMENT;
    }
}
