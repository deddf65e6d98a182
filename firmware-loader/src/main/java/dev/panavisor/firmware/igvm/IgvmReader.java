package dev.panavisor.firmware.igvm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses and validates IGVM images. Every rule is checked before anything is returned, and every
 * size taken from the file is checked against the file's length before it is used to slice or
 * allocate, so hostile input ends in an {@link IgvmFormatException} and nothing else.
 */
public final class IgvmReader {
    private static final Logger LOG = LoggerFactory.getLogger(IgvmReader.class);

    /** What to do when the stored checksum is wrong. */
    public enum ChecksumPolicy {
        /** Refuse the file; what a loader should do. */
        REJECT,
        /** Accept the file and report the mismatch through {@link IgvmFile#checksum()}; for inspection tools. */
        REPORT
    }

    private final ChecksumPolicy checksumPolicy;

    private IgvmReader(ChecksumPolicy checksumPolicy) {
        this.checksumPolicy = checksumPolicy;
    }

    public static IgvmReader strict() {
        return new IgvmReader(ChecksumPolicy.REJECT);
    }

    public static IgvmReader with(ChecksumPolicy checksumPolicy) {
        return new IgvmReader(checksumPolicy);
    }

    /** Reads an image that is exactly {@code image}; its length must match the header's total size. */
    public IgvmFile read(MemorySegment image) throws IgvmFormatException {
        IgvmFixedHeader fixed = FixedHeaderCodec.decode(image);
        ChecksumStatus checksum = new ChecksumStatus(fixed.checksum(), HeaderChecksum.compute(image, fixed));
        if (!checksum.valid() && checksumPolicy == ChecksumPolicy.REJECT) {
            throw Site.fileLevel(IgvmFixedHeader.CHECKSUM_OFFSET).violation(IgvmRule.CHECKSUM_MISMATCH,
                    "stored 0x%08x, computed 0x%08x", checksum.stored(), checksum.computed());
        }
        VariableHeaderParser.Parsed parsed = VariableHeaderParser.parse(image, fixed);
        IgvmValidator.validate(image, fixed, parsed.headers(), parsed.offsets());
        LOG.debug("IGVM v{} {}: {} headers, {} bytes, checksum {}", fixed.formatVersion(), fixed.architecture(),
                parsed.headers().size(), fixed.totalFileSize(), checksum.valid() ? "valid" : "INVALID");
        return new IgvmFile(fixed, parsed.headers(), parsed.offsets(), image, checksum);
    }

    public IgvmFile read(byte[] image) throws IgvmFormatException {
        return read(MemorySegment.ofArray(image));
    }

    /**
     * Reads an image that starts at the beginning of {@code memory} and may be followed by unrelated
     * bytes (a buffer in guest memory, say); the image's own total size says where it ends.
     */
    public IgvmFile readPrefix(MemorySegment memory) throws IgvmFormatException {
        if (memory.byteSize() < IgvmFormat.FIXED_HEADER_V1_SIZE) {
            throw Site.fileLevel(0).violation(IgvmRule.FILE_TOO_SMALL, "%d bytes", memory.byteSize());
        }
        long total = LittleEndian.u32(memory, IgvmFixedHeader.TOTAL_FILE_SIZE_OFFSET);
        if (total > memory.byteSize()) {
            throw Site.fileLevel(IgvmFixedHeader.TOTAL_FILE_SIZE_OFFSET).violation(IgvmRule.TOTAL_SIZE_MISMATCH,
                    "header says %d bytes, only %d available", total, memory.byteSize());
        }
        return read(memory.asSlice(0, total));
    }

    /** Maps the file read-only; the mapping is released when the returned file becomes unreachable. */
    public IgvmFile read(Path path) throws IOException, IgvmFormatException {
        return read(path, Arena.ofAuto());
    }

    /** Maps the file read-only into {@code arena}; page slices are valid while the arena is open. */
    public IgvmFile read(Path path, Arena arena) throws IOException, IgvmFormatException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena));
        }
    }
}
