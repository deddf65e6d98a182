package dev.panavisor.firmware.igvm;

/**
 * A header with the optional bit set. The definitions let a loader skip such headers, and this
 * library never acts on them (neither does the reference parser), but it keeps their bytes so that
 * writing the file back reproduces it exactly.
 */
public record IgnorableHeader(int typeCode, ByteBlock payload) implements IgvmHeader {
    public IgnorableHeader {
        if ((typeCode & IgvmFormat.OPTIONAL_TYPE_BIT) == 0) {
            throw new IllegalArgumentException("type 0x%x lacks the optional bit".formatted(typeCode));
        }
        FieldRanges.present("payload", payload);
    }

    /** The type without the optional bit, which may or may not be one the definitions assign. */
    public int baseTypeCode() {
        return typeCode & ~IgvmFormat.OPTIONAL_TYPE_BIT;
    }
}
