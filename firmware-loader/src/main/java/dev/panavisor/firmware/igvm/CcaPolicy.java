package dev.panavisor.firmware.igvm;

/**
 * Arm CCA Realm policy. Each attribute bit is required clear (set in zeroes), required set (set in
 * ones) or don't-care (neither); both at once is a contradiction the reader rejects.
 */
public record CcaPolicy(int compatibilityMask, long attributesRequiredZeroes, long attributesRequiredOnes,
                        CcaHashAlgorithm hashAlgorithm, CcaLfaPolicy lfaPolicy)
        implements InitializationHeader, CompatibilityMasked {
    /** Attribute bit: debug is allowed for the Realm. */
    public static final long ATTRIBUTE_DEBUG = 1L;
    /** Attribute bit: the memory encryption context is shared. */
    public static final long ATTRIBUTE_MEC = 1L << 1;

    public CcaPolicy {
        FieldRanges.present("hashAlgorithm", hashAlgorithm);
        FieldRanges.present("lfaPolicy", lfaPolicy);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.CCA_POLICY;
    }
}
