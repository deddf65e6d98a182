package dev.panavisor.firmware.igvm;

/**
 * The initial register state of one VP, stored in file data in a platform-specific shape (see
 * {@link VpContextData}). For SEV-ES and SEV-SNP {@code gpa} is where the VMSA page goes; for the
 * other platforms it must be zero.
 */
public record VpContext(long gpa, int compatibilityMask, long fileOffset, int vpIndex)
        implements DirectiveHeader, CompatibilityMasked {
    public VpContext {
        FieldRanges.u32("fileOffset", fileOffset);
        FieldRanges.u16("vpIndex", vpIndex);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.VP_CONTEXT;
    }
}
