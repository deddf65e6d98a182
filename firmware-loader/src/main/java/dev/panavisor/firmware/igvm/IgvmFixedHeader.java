package dev.panavisor.firmware.igvm;

/**
 * The fixed header at offset 0. Version 1 headers have no architecture or page size fields; they are
 * reported here as x64 and 4K, the values version 1 implies.
 *
 * @param checksum the checksum as stored in the file, which may or may not be correct
 */
public record IgvmFixedHeader(int formatVersion, IgvmArchitecture architecture, long pageSize,
                              long variableHeaderOffset, long variableHeaderSize, long totalFileSize, int checksum) {
    static final long MAGIC_OFFSET = 0;
    static final long VERSION_OFFSET = 4;
    static final long VARIABLE_HEADER_OFFSET_OFFSET = 8;
    static final long VARIABLE_HEADER_SIZE_OFFSET = 12;
    static final long TOTAL_FILE_SIZE_OFFSET = 16;
    static final long CHECKSUM_OFFSET = 20;
    static final long ARCHITECTURE_OFFSET = 24;
    static final long PAGE_SIZE_OFFSET = 28;

    public IgvmFixedHeader {
        FieldRanges.present("architecture", architecture);
        FieldRanges.u32("pageSize", pageSize);
        FieldRanges.u32("variableHeaderOffset", variableHeaderOffset);
        FieldRanges.u32("variableHeaderSize", variableHeaderSize);
        FieldRanges.u32("totalFileSize", totalFileSize);
        if (formatVersion != IgvmFormat.VERSION_1 && formatVersion != IgvmFormat.VERSION_2) {
            throw new IllegalArgumentException("format version " + formatVersion);
        }
    }

    /** Bytes the fixed header occupies, which is also the least legal variable header offset. */
    public int size() {
        return formatVersion == IgvmFormat.VERSION_1 ? IgvmFormat.FIXED_HEADER_V1_SIZE : IgvmFormat.FIXED_HEADER_V2_SIZE;
    }

    /** Where file data starts: right after the variable header. */
    public long fileDataOffset() {
        return variableHeaderOffset + variableHeaderSize;
    }
}
