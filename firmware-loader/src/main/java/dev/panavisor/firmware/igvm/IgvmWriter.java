package dev.panavisor.firmware.igvm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Serializes an {@link IgvmFile}. Headers are re-encoded from their records; the bytes between the
 * fixed and variable headers and the file data are copied from the file's image, since header
 * records point into them by offset. The checksum is always recomputed, so a file accepted with
 * {@link IgvmReader.ChecksumPolicy#REPORT} comes out repaired; any other accepted file comes out
 * byte for byte as it went in.
 */
public final class IgvmWriter {
    private IgvmWriter() {}

    public static long size(IgvmFile file) {
        return file.fixedHeader().totalFileSize();
    }

    public static byte[] toBytes(IgvmFile file) {
        long size = size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(size + " bytes do not fit in an array; use writeTo(MemorySegment)");
        }
        byte[] out = new byte[(int) size];
        writeTo(file, MemorySegment.ofArray(out));
        return out;
    }

    /** Writes the image to the start of {@code target}, which must have room for {@link #size}. */
    public static void writeTo(IgvmFile file, MemorySegment target) {
        IgvmFixedHeader h = file.fixedHeader();
        MemorySegment out = target.asSlice(0, h.totalFileSize());
        MemorySegment image = file.image();
        out.asSlice(0, h.size()).fill((byte) 0);
        FixedHeaderCodec.encode(h, out, 0);
        MemorySegment.copy(image, h.size(), out, h.size(), h.variableHeaderOffset() - h.size());
        long pos = h.variableHeaderOffset();
        for (IgvmHeader header : file.headers()) {
            pos += HeaderCodec.encode(header, out, pos);
        }
        if (pos != h.fileDataOffset()) {
            throw new IllegalStateException("headers encode to 0x%x bytes, the fixed header says 0x%x"
                    .formatted(pos - h.variableHeaderOffset(), h.variableHeaderSize()));
        }
        MemorySegment.copy(image, pos, out, pos, h.totalFileSize() - pos);
        LittleEndian.putU32(out, IgvmFixedHeader.CHECKSUM_OFFSET, Integer.toUnsignedLong(HeaderChecksum.compute(out, h)));
    }

    public static void writeTo(IgvmFile file, Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment target = channel.map(FileChannel.MapMode.READ_WRITE, 0, size(file), arena);
            writeTo(file, target);
            target.force();
        }
    }
}
