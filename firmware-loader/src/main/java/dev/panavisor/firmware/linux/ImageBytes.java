package dev.panavisor.firmware.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian reads from a file image that name the field when the file is too short. The
 * image is a segment so that a kernel file can be parsed through a read-only mapping: only the
 * header pages are touched, and the loader copies the rest straight into guest memory.
 */
final class ImageBytes {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final String what;

    ImageBytes(MemorySegment data, String what) {
        this.data = data;
        this.what = what;
    }

    long length() { return data.byteSize(); }

    MemorySegment data() { return data; }

    void require(String field, long offset, long size) {
        long length = data.byteSize();
        if (offset < 0 || size < 0 || offset > length || size > length - offset) {
            throw LinuxImageFormatException.at(field, offset,
                    String.format("needs %d byte(s) but the %s is only %d bytes long (truncated?)", size, what, length));
        }
    }

    int u8(String field, long offset) {
        require(field, offset, 1);
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    int u16(String field, long offset) {
        require(field, offset, 2);
        return data.get(U16, offset) & 0xFFFF;
    }

    long u32(String field, long offset) {
        require(field, offset, 4);
        return data.get(U32, offset) & 0xFFFF_FFFFL;
    }

    long u64(String field, long offset) {
        return u32(field, offset) | u32(field, offset + 4) << 32;
    }
}
