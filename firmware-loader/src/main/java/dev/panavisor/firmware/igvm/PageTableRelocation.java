package dev.panavisor.firmware.igvm;

/**
 * The region holding the identity-mapped page tables of one VP/VTL, which the loader fixes up when it
 * relocates regions; {@code usedSize} bytes from {@code gpa} are already in use, the rest is spare.
 */
public record PageTableRelocation(int compatibilityMask, int vpIndex, int vtl, long gpa, long size, long usedSize)
        implements InitializationHeader, CompatibilityMasked {
    public PageTableRelocation {
        FieldRanges.u16("vpIndex", vpIndex);
        FieldRanges.vtl("vtl", vtl);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.PAGE_TABLE_RELOCATION_REGION;
    }
}
