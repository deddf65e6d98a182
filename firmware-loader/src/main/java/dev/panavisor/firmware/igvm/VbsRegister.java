package dev.panavisor.firmware.igvm;

/**
 * One register of a VBS VP context: a Hyper-V register name (TLFS numbering) and its 16-byte
 * Hyper-V register value.
 */
public record VbsRegister(long registerName, ByteBlock value) {
    public static final int SIZE = 32;
    static final int VALUE_SIZE = 16;
    static final int MBZ_OFFSET = 5;
    static final int MBZ_SIZE = 11;
    static final int VALUE_OFFSET = 16;

    public VbsRegister {
        FieldRanges.u32("registerName", registerName);
        FieldRanges.length("value", value, VALUE_SIZE);
    }
}
