package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable run of bytes with value semantics, for the fixed-size byte arrays inside IGVM
 * structures (digests, keys, signatures) and for the payload of headers this reader does not
 * interpret. Records holding raw arrays would compare by identity; this keeps them comparable.
 */
public final class ByteBlock {
    private static final int SHOWN_BYTES = 16;
    private final byte[] bytes;

    private ByteBlock(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ByteBlock of(byte... bytes) {
        return new ByteBlock(bytes.clone());
    }

    /** Takes ownership of {@code bytes}; for callers that already hold a private copy. */
    static ByteBlock wrap(byte[] bytes) {
        return new ByteBlock(bytes);
    }

    public static ByteBlock zeros(int length) {
        return new ByteBlock(new byte[length]);
    }

    public static ByteBlock copyOf(MemorySegment segment) {
        return new ByteBlock(segment.toArray(ValueLayout.JAVA_BYTE));
    }

    public int length() {
        return bytes.length;
    }

    public byte get(int index) {
        return bytes[index];
    }

    public byte[] toArray() {
        return bytes.clone();
    }

    /** A read-only view; no copy. */
    public MemorySegment asSegment() {
        return MemorySegment.ofArray(bytes).asReadOnly();
    }

    public boolean isAllZero() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteBlock other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        if (bytes.length <= SHOWN_BYTES) {
            return "[" + toHex() + "]";
        }
        return "[" + HexFormat.of().formatHex(bytes, 0, SHOWN_BYTES) + "... (" + bytes.length + " bytes)]";
    }
}
