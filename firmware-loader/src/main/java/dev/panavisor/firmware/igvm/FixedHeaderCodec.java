package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;

/** Reads and writes the fixed header, applying the rules that involve only it and the file length. */
final class FixedHeaderCodec {
    private FixedHeaderCodec() {}

    static IgvmFixedHeader decode(MemorySegment image) throws IgvmFormatException {
        long length = image.byteSize();
        Site file = Site.fileLevel(0);
        if (length < IgvmFormat.FIXED_HEADER_V1_SIZE) {
            throw file.violation(IgvmRule.FILE_TOO_SMALL, "%d bytes", length);
        }
        int magic = LittleEndian.bits32(image, IgvmFixedHeader.MAGIC_OFFSET);
        if (magic != IgvmFormat.MAGIC) {
            throw file.violation(IgvmRule.BAD_MAGIC, "found 0x%08x", magic);
        }
        int version = LittleEndian.bits32(image, IgvmFixedHeader.VERSION_OFFSET);
        IgvmArchitecture architecture = IgvmArchitecture.X64;
        long pageSize = IgvmFormat.PAGE_SIZE_4K;
        if (version == IgvmFormat.VERSION_2) {
            if (length < IgvmFormat.FIXED_HEADER_V2_SIZE) {
                throw file.violation(IgvmRule.FILE_TOO_SMALL, "%d bytes is short of a version 2 fixed header", length);
            }
            int archCode = LittleEndian.bits32(image, IgvmFixedHeader.ARCHITECTURE_OFFSET);
            architecture = IgvmArchitecture.fromCode(archCode).orElseThrow(() -> Site.fileLevel(
                    IgvmFixedHeader.ARCHITECTURE_OFFSET).violation(IgvmRule.UNSUPPORTED_ARCHITECTURE, "architecture %d",
                    Integer.toUnsignedLong(archCode)));
            pageSize = LittleEndian.u32(image, IgvmFixedHeader.PAGE_SIZE_OFFSET);
            if (pageSize != IgvmFormat.PAGE_SIZE_4K) {
                throw Site.fileLevel(IgvmFixedHeader.PAGE_SIZE_OFFSET)
                        .violation(IgvmRule.UNSUPPORTED_PAGE_SIZE, "page size 0x%x", pageSize);
            }
        } else if (version != IgvmFormat.VERSION_1) {
            throw Site.fileLevel(IgvmFixedHeader.VERSION_OFFSET)
                    .violation(IgvmRule.UNSUPPORTED_VERSION, "format version %d", Integer.toUnsignedLong(version));
        }
        IgvmFixedHeader header = new IgvmFixedHeader(version, architecture, pageSize,
                LittleEndian.u32(image, IgvmFixedHeader.VARIABLE_HEADER_OFFSET_OFFSET),
                LittleEndian.u32(image, IgvmFixedHeader.VARIABLE_HEADER_SIZE_OFFSET),
                LittleEndian.u32(image, IgvmFixedHeader.TOTAL_FILE_SIZE_OFFSET),
                LittleEndian.bits32(image, IgvmFixedHeader.CHECKSUM_OFFSET));
        checkLayout(header, length);
        return header;
    }

    private static void checkLayout(IgvmFixedHeader h, long length) throws IgvmFormatException {
        if (h.totalFileSize() != length) {
            throw Site.fileLevel(IgvmFixedHeader.TOTAL_FILE_SIZE_OFFSET).violation(IgvmRule.TOTAL_SIZE_MISMATCH,
                    "header says %d bytes, file has %d", h.totalFileSize(), length);
        }
        Site offsetField = Site.fileLevel(IgvmFixedHeader.VARIABLE_HEADER_OFFSET_OFFSET);
        if (h.variableHeaderOffset() < h.size()) {
            throw offsetField.violation(IgvmRule.VARIABLE_HEADER_OFFSET,
                    "offset 0x%x lies inside the %d-byte fixed header", h.variableHeaderOffset(), h.size());
        }
        if (!IgvmFormat.isAligned(h.variableHeaderOffset(), IgvmFormat.VARIABLE_HEADER_ALIGNMENT)) {
            throw offsetField.violation(IgvmRule.VARIABLE_HEADER_OFFSET, "offset 0x%x", h.variableHeaderOffset());
        }
        // Both are u32, so the sum cannot overflow a long.
        if (h.fileDataOffset() > length) {
            throw Site.fileLevel(IgvmFixedHeader.VARIABLE_HEADER_SIZE_OFFSET).violation(IgvmRule.VARIABLE_HEADER_BOUNDS,
                    "0x%x bytes at 0x%x run past the end of a %d-byte file",
                    h.variableHeaderSize(), h.variableHeaderOffset(), length);
        }
        if (!IgvmFormat.isAligned(h.variableHeaderSize(), IgvmFormat.VARIABLE_HEADER_ALIGNMENT)) {
            throw Site.fileLevel(IgvmFixedHeader.VARIABLE_HEADER_SIZE_OFFSET).violation(IgvmRule.VARIABLE_HEADER_BOUNDS,
                    "size 0x%x is not a multiple of 8", h.variableHeaderSize());
        }
    }

    /** Writes every field; the checksum is written as given, so callers write 0 first and patch it. */
    static void encode(IgvmFixedHeader h, MemorySegment target, int checksum) {
        LittleEndian.putU32(target, IgvmFixedHeader.MAGIC_OFFSET, IgvmFormat.MAGIC);
        LittleEndian.putU32(target, IgvmFixedHeader.VERSION_OFFSET, h.formatVersion());
        LittleEndian.putU32(target, IgvmFixedHeader.VARIABLE_HEADER_OFFSET_OFFSET, h.variableHeaderOffset());
        LittleEndian.putU32(target, IgvmFixedHeader.VARIABLE_HEADER_SIZE_OFFSET, h.variableHeaderSize());
        LittleEndian.putU32(target, IgvmFixedHeader.TOTAL_FILE_SIZE_OFFSET, h.totalFileSize());
        LittleEndian.putU32(target, IgvmFixedHeader.CHECKSUM_OFFSET, checksum);
        if (h.formatVersion() == IgvmFormat.VERSION_2) {
            LittleEndian.putU32(target, IgvmFixedHeader.ARCHITECTURE_OFFSET, h.architecture().code());
            LittleEndian.putU32(target, IgvmFixedHeader.PAGE_SIZE_OFFSET, h.pageSize());
        }
    }
}
