package dev.panavisor.firmware.igvm;

/** Constants fixed by the IGVM format definitions. */
public final class IgvmFormat {
    /** ASCII "IGVM" read as a little-endian u32. */
    public static final int MAGIC = 0x4D56_4749;
    public static final int VERSION_1 = 1;
    /** Adds architecture and page size to the fixed header. */
    public static final int VERSION_2 = 2;
    public static final int FIXED_HEADER_V1_SIZE = 24;
    public static final int FIXED_HEADER_V2_SIZE = 32;
    /** Type and length words in front of every variable header. */
    public static final int VARIABLE_HEADER_PREFIX_SIZE = 8;
    /** Every variable header starts at a multiple of this, relative to the file. */
    public static final int VARIABLE_HEADER_ALIGNMENT = 8;
    /** A loader may skip a header whose type has this bit set if it does not know the type. */
    public static final int OPTIONAL_TYPE_BIT = 0x8000_0000;
    public static final long PAGE_SIZE_4K = 4096;
    public static final long PAGE_SIZE_2M = 2L * 1024 * 1024;

    private IgvmFormat() {}

    static long alignUp8(long value) {
        return (value + 7) & ~7L;
    }

    static boolean isAligned(long value, long alignment) {
        return Long.remainderUnsigned(value, alignment) == 0;
    }
}
