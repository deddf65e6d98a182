package dev.panavisor.firmware.igvm;

/**
 * Imports a parameter area into the guest at {@code gpa} as unmeasured pages; the area index is
 * spent afterwards.
 */
public record ParameterInsert(long gpa, int compatibilityMask, long parameterAreaIndex)
        implements DirectiveHeader, CompatibilityMasked {
    public ParameterInsert {
        FieldRanges.u32("parameterAreaIndex", parameterAreaIndex);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.PARAMETER_INSERT;
    }
}
