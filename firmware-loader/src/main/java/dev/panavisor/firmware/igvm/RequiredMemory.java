package dev.panavisor.firmware.igvm;

/**
 * Memory the guest cannot run without; a loader should refuse to start if it is absent. A hint
 * only: a hostile host can ignore it, so the guest must not trust it.
 */
public record RequiredMemory(long gpa, int compatibilityMask, long numberOfBytes, boolean vtl2Protectable)
        implements DirectiveHeader, CompatibilityMasked {
    static final int FLAG_VTL2_PROTECTABLE = 0x1;

    public RequiredMemory {
        FieldRanges.u32("numberOfBytes", numberOfBytes);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.REQUIRED_MEMORY;
    }
}
