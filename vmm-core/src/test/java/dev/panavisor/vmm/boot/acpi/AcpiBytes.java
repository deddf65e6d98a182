package dev.panavisor.vmm.boot.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Little-endian field reads for the table tests, independent of the builders' own writer. */
final class AcpiBytes {
    private AcpiBytes() { }

    static int u8(byte[] b, int o) { return b[o] & 0xFF; }
    static int u16(byte[] b, int o) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(o) & 0xFFFF; }
    static long u32(byte[] b, int o) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(o) & 0xFFFF_FFFFL; }
    static long u64(byte[] b, int o) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(o); }
    static String ascii(byte[] b, int o, int n) { return new String(b, o, n, StandardCharsets.US_ASCII); }

    static int byteSum(byte[] b, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) s += b[i] & 0xFF;
        return s & 0xFF;
    }

    static byte[] slice(byte[] b, int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(b, from, out, 0, length);
        return out;
    }
}
