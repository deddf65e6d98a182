package dev.panavisor.firmware.igvm;

/**
 * The file data area, from the end of the variable header to the end of the file. File data is not
 * covered by the checksum, so every reference into it is bounds-checked before anything is read or
 * sized from it.
 */
record FileDataBounds(long start, long end) {
    static FileDataBounds of(IgvmFixedHeader header) {
        return new FileDataBounds(header.fileDataOffset(), header.totalFileSize());
    }

    /** {@code length} is treated as unsigned, so u64 sizes from the file cannot slip through as negatives. */
    void check(long offset, long length, String what, Site site) throws IgvmFormatException {
        boolean inside = offset >= start && offset <= end && Long.compareUnsigned(length, end - offset) <= 0;
        if (!inside) {
            throw site.violation(IgvmRule.FILE_OFFSET_OUT_OF_RANGE,
                    "%s: 0x%s bytes at file offset 0x%x, file data spans 0x%x-0x%x",
                    what, Long.toHexString(length), offset, start, end);
        }
    }
}
