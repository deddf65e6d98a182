package dev.panavisor.firmware.ovmf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of a firmware flash image, with little-endian reads that are checked against the
 * image's bounds. Every read takes a description of what is being read, so that a truncated
 * or corrupt image fails with a message like "SEV metadata header at image offset 0x1ffad4
 * (16 bytes) lies outside OVMF.fd (0x1000 bytes)" rather than an IndexOutOfBoundsException.
 *
 * <p>Images are usually mapped, not read: hashing code slices {@link #segment()} directly.
 */
public final class FirmwareImage {
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final String name;

    private FirmwareImage(MemorySegment segment, String name) {
        this.segment = segment;
        this.name = name;
    }

    /** Wraps bytes already in memory; {@code name} appears in error messages. */
    public static FirmwareImage of(MemorySegment segment, String name) {
        if (segment == null) throw new NullPointerException("segment");
        if (name == null) throw new NullPointerException("name");
        return new FirmwareImage(segment.asReadOnly(), name);
    }

    /** Maps {@code path} read-only for the lifetime of {@code arena}. */
    public static FirmwareImage map(Path path, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new FirmwareImage(mapped, path.toString());
        }
    }

    public MemorySegment segment() {
        return segment;
    }

    public String name() {
        return name;
    }

    public long size() {
        return segment.byteSize();
    }

    /** The {@code length} bytes at {@code offset}, or a failure naming {@code what}. */
    public MemorySegment slice(long offset, long length, String what) {
        checkBounds(offset, length, what);
        return segment.asSlice(offset, length);
    }

    public int u16(long offset, String what) {
        checkBounds(offset, 2, what);
        return Short.toUnsignedInt(segment.get(LE_SHORT, offset));
    }

    public long u32(long offset, String what) {
        checkBounds(offset, 4, what);
        return Integer.toUnsignedLong(segment.get(LE_INT, offset));
    }

    public long u64(long offset, String what) {
        checkBounds(offset, 8, what);
        return segment.get(LE_LONG, offset);
    }

    public EfiGuid guid(long offset, String what) {
        checkBounds(offset, EfiGuid.SIZE, what);
        return EfiGuid.readFrom(segment, offset);
    }

    /** Throws unless {@code [offset, offset + length)} lies inside the image. */
    public void checkBounds(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new OvmfFormatException(String.format(
                    "%s: %s at image offset %s (0x%x bytes) lies outside the image (0x%x bytes)",
                    name, what, hexOffset(offset), length, size()));
        }
    }

    private static String hexOffset(long offset) {
        return offset < 0 ? "-0x" + Long.toHexString(-offset) : "0x" + Long.toHexString(offset);
    }
}
