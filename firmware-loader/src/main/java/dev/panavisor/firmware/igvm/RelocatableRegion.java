package dev.panavisor.firmware.igvm;

/**
 * A region the loader may move as a whole, shifting every directive GPA inside it by the same amount.
 *
 * @param isVtl2         the region holds VTL2
 * @param applyPc        shift the given VP/VTL's start address (RIP, PC) by the relocation amount
 * @param applyGdtr      shift the given VP/VTL's GDTR (x64 only)
 */
public record RelocatableRegion(int compatibilityMask, int vpIndex, int vtl,
                                boolean isVtl2, boolean applyPc, boolean applyGdtr,
                                long relocationAlignment, long relocationRegionGpa, long relocationRegionSize,
                                long minimumRelocationGpa, long maximumRelocationGpa)
        implements InitializationHeader, CompatibilityMasked {
    static final int FLAG_IS_VTL2 = 0x1;
    static final int FLAG_APPLY_PC = 0x2;
    static final int FLAG_APPLY_GDTR = 0x4;
    static final int DEFINED_FLAGS = FLAG_IS_VTL2 | FLAG_APPLY_PC | FLAG_APPLY_GDTR;

    public RelocatableRegion {
        FieldRanges.u16("vpIndex", vpIndex);
        FieldRanges.vtl("vtl", vtl);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.RELOCATABLE_REGION;
    }

    int flags() {
        return (isVtl2 ? FLAG_IS_VTL2 : 0) | (applyPc ? FLAG_APPLY_PC : 0) | (applyGdtr ? FLAG_APPLY_GDTR : 0);
    }
}
