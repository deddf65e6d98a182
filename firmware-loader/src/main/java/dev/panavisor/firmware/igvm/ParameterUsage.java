package dev.panavisor.firmware.igvm;

/**
 * Asks the loader to deposit one kind of runtime fact at {@code byteOffset} inside a declared,
 * not yet inserted parameter area.
 */
public record ParameterUsage(ParameterKind kind, long parameterAreaIndex, long byteOffset) implements DirectiveHeader {
    public ParameterUsage {
        FieldRanges.present("kind", kind);
        FieldRanges.u32("parameterAreaIndex", parameterAreaIndex);
        FieldRanges.u32("byteOffset", byteOffset);
    }

    @Override
    public HeaderType headerType() {
        return kind.headerType();
    }
}
