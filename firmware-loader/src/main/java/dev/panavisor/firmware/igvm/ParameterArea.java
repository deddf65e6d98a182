package dev.panavisor.firmware.igvm;

/**
 * Declares a scratch area, identified by index, into which the loader deposits runtime parameters
 * before inserting it into the guest. Initial contents come from file data, or are zero when
 * {@code fileOffset} is 0.
 */
public record ParameterArea(long numberOfBytes, long parameterAreaIndex, long fileOffset) implements DirectiveHeader {
    public ParameterArea {
        FieldRanges.u32("parameterAreaIndex", parameterAreaIndex);
        FieldRanges.u32("fileOffset", fileOffset);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.PARAMETER_AREA;
    }
}
