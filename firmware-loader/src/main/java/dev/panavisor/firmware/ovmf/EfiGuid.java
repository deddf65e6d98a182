package dev.panavisor.firmware.ovmf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * A GUID as UEFI stores it: the first three fields little-endian, the last eight bytes in
 * order (the "mixed-endian" encoding). Held as its canonical text form's {@link UUID}, so that
 * constants read like the sources they come from.
 */
public record EfiGuid(UUID uuid) {
    public static final int SIZE = 16;

    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    public EfiGuid {
        if (uuid == null) throw new NullPointerException("uuid");
    }

    /** Parses the canonical text form, e.g. {@code 96b582de-1fb2-45f7-baea-a366c55a082d}. */
    public static EfiGuid parse(String text) {
        return new EfiGuid(UUID.fromString(text));
    }

    /** Decodes the 16 bytes at {@code offset}; the caller has checked the bounds. */
    public static EfiGuid readFrom(MemorySegment segment, long offset) {
        long data1 = Integer.toUnsignedLong(segment.get(LE_INT, offset));
        long data2 = Short.toUnsignedLong(segment.get(LE_SHORT, offset + 4));
        long data3 = Short.toUnsignedLong(segment.get(LE_SHORT, offset + 6));
        long tail = segment.get(BE_LONG, offset + 8);
        return new EfiGuid(new UUID((data1 << 32) | (data2 << 16) | data3, tail));
    }

    /** Encodes into {@code segment} at {@code offset}. */
    public void writeTo(MemorySegment segment, long offset) {
        long msb = uuid.getMostSignificantBits();
        segment.set(LE_INT, offset, (int) (msb >>> 32));
        segment.set(LE_SHORT, offset + 4, (short) (msb >>> 16));
        segment.set(LE_SHORT, offset + 6, (short) msb);
        segment.set(BE_LONG, offset + 8, uuid.getLeastSignificantBits());
    }

    /** The 16-byte on-disk encoding. */
    public byte[] toBytes() {
        byte[] out = new byte[SIZE];
        writeTo(MemorySegment.ofArray(out), 0);
        return out;
    }

    @Override
    public String toString() {
        return uuid.toString();
    }
}
