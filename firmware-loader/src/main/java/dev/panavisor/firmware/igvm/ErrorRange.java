package dev.panavisor.firmware.igvm;

/** Guest memory, imported shared, where the guest reports errors to the host. */
public record ErrorRange(long gpa, int compatibilityMask, long sizeBytes) implements DirectiveHeader, CompatibilityMasked {
    public ErrorRange {
        FieldRanges.u32("sizeBytes", sizeBytes);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.ERROR_RANGE;
    }
}
