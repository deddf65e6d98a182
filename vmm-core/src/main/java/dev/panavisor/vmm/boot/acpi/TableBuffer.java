package dev.panavisor.vmm.boot.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A fixed-size little-endian byte array written at explicit offsets, as ACPI tables are laid out. */
final class TableBuffer {
    private final ByteBuffer buf;

    TableBuffer(int size) {
        this.buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    int size() { return buf.capacity(); }

    TableBuffer u8(int offset, int v) { buf.put(offset, (byte) v); return this; }
    TableBuffer u16(int offset, int v) { buf.putShort(offset, (short) v); return this; }
    TableBuffer u32(int offset, long v) { buf.putInt(offset, (int) v); return this; }
    TableBuffer u64(int offset, long v) { buf.putLong(offset, v); return this; }

    TableBuffer bytes(int offset, byte[] v) { buf.put(offset, v); return this; }

    /** Writes {@code text} as ASCII, space-padded to exactly {@code width} bytes (ACPI ID fields). */
    TableBuffer ascii(int offset, String text, int width) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        if (b.length > width) throw new IllegalArgumentException("'" + text + "' is longer than " + width + " bytes");
        for (int i = 0; i < width; i++) buf.put(offset + i, i < b.length ? b[i] : (byte) ' ');
        return this;
    }

    TableBuffer address(int offset, GenericAddress gas) {
        gas.writeTo(this, offset);
        return this;
    }

    byte[] array() { return buf.array(); }
}
