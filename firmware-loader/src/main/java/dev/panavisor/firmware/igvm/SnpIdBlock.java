package dev.panavisor.firmware.igvm;

/**
 * The SEV-SNP ID block and its keys, passed to SNP_LAUNCH_FINISH. Field meanings are the SNP
 * firmware's; {@code ld} is the expected launch digest. Author key fields are meaningful only when
 * {@code authorKeyEnabled} is 1.
 */
public record SnpIdBlock(int compatibilityMask, int authorKeyEnabled, ByteBlock reserved, ByteBlock ld,
                         ByteBlock familyId, ByteBlock imageId, long version, long guestSvn,
                         long idKeyAlgorithm, long authorKeyAlgorithm,
                         SnpSignature idKeySignature, SnpPublicKey idPublicKey,
                         SnpSignature authorKeySignature, SnpPublicKey authorPublicKey)
        implements DirectiveHeader, CompatibilityMasked {
    public static final int LD_SIZE = 48;
    public static final int ID_SIZE = 16;
    static final int RESERVED_SIZE = 3;

    public SnpIdBlock {
        FieldRanges.u8("authorKeyEnabled", authorKeyEnabled);
        FieldRanges.length("reserved", reserved, RESERVED_SIZE);
        FieldRanges.length("ld", ld, LD_SIZE);
        FieldRanges.length("familyId", familyId, ID_SIZE);
        FieldRanges.length("imageId", imageId, ID_SIZE);
        FieldRanges.u32("version", version);
        FieldRanges.u32("guestSvn", guestSvn);
        FieldRanges.u32("idKeyAlgorithm", idKeyAlgorithm);
        FieldRanges.u32("authorKeyAlgorithm", authorKeyAlgorithm);
        FieldRanges.present("idKeySignature", idKeySignature);
        FieldRanges.present("idPublicKey", idPublicKey);
        FieldRanges.present("authorKeySignature", authorKeySignature);
        FieldRanges.present("authorPublicKey", authorPublicKey);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.SNP_ID_BLOCK;
    }
}
