package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian accessors for IGVM fields. All layouts are unaligned because an image may sit at any
 * address (a slice of guest memory) and some structures, like the VP context header, are packed.
 */
final class LittleEndian {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {}

    static int u8(MemorySegment s, long offset) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, offset));
    }

    static int u16(MemorySegment s, long offset) {
        return Short.toUnsignedInt(s.get(U16, offset));
    }

    /** A u32 used as a number (size, offset, index). */
    static long u32(MemorySegment s, long offset) {
        return Integer.toUnsignedLong(s.get(U32, offset));
    }

    /** A u32 used as a bit pattern (masks, flags, magic). */
    static int bits32(MemorySegment s, long offset) {
        return s.get(U32, offset);
    }

    static long u64(MemorySegment s, long offset) {
        return s.get(U64, offset);
    }

    static void putU8(MemorySegment s, long offset, int value) {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    static void putU16(MemorySegment s, long offset, int value) {
        s.set(U16, offset, (short) value);
    }

    static void putU32(MemorySegment s, long offset, long value) {
        s.set(U32, offset, (int) value);
    }

    static void putU64(MemorySegment s, long offset, long value) {
        s.set(U64, offset, value);
    }
}
