package dev.panavisor.firmware.ovmf;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds small synthetic flash images with an OVMF footer table, for well-formed and broken cases. */
final class TestImages {
    private final byte[] bytes;
    private final List<byte[]> entries = new ArrayList<>();

    TestImages(int size) {
        bytes = new byte[size];
    }

    /** Appends an entry (data, u16 length, GUID); entries are laid out in call order, the last nearest the footer. */
    TestImages entry(EfiGuid guid, byte[] data) {
        ByteBuffer b = le(data.length + 18);
        b.put(data).putShort((short) (data.length + 18)).put(guid.toBytes());
        entries.add(b.array());
        return this;
    }

    TestImages u32Entry(EfiGuid guid, long... values) {
        ByteBuffer b = le(values.length * 4);
        for (long v : values) b.putInt((int) v);
        return entry(guid, b.array());
    }

    /** Raw bytes anywhere in the image. */
    TestImages put(int offset, byte[] data) {
        System.arraycopy(data, 0, bytes, offset, data.length);
        return this;
    }

    /** Writes the table so that it ends 32 bytes before the end, with the true table length. */
    byte[] build() {
        int tableLength = entries.stream().mapToInt(e -> e.length).sum() + 18;
        return buildWithTableLength(tableLength);
    }

    /** Like {@link #build()} but with a chosen (possibly wrong) table length in the footer. */
    byte[] buildWithTableLength(int declaredLength) {
        int end = bytes.length - 32;
        ByteBuffer footer = le(18).putShort((short) declaredLength).put(OvmfTableGuids.TABLE_FOOTER.toBytes());
        System.arraycopy(footer.array(), 0, bytes, end - 18, 18);
        int cursor = end - 18;
        for (int i = entries.size() - 1; i >= 0; i--) {
            byte[] e = entries.get(i);
            cursor -= e.length;
            System.arraycopy(e, 0, bytes, cursor, e.length);
        }
        return bytes.clone();
    }

    static OvmfImage ovmf(byte[] image) {
        return OvmfImage.of(FirmwareImage.of(MemorySegment.ofArray(image), "test.fd"));
    }

    static byte[] sevMetadata(int declaredLength, int version, long... sectionTriples) {
        int count = sectionTriples.length / 3;
        ByteBuffer b = le(16 + sectionTriples.length * 4);
        b.put("ASEV".getBytes()).putInt(declaredLength < 0 ? 16 + count * 12 : declaredLength).putInt(version).putInt(count);
        for (long v : sectionTriples) b.putInt((int) v);
        return b.array();
    }

    /** A TDVF descriptor; each section is {dataOffset, rawSize, address, memSize, type, attributes}. */
    static byte[] tdvfMetadata(long[]... sections) {
        ByteBuffer b = le(16 + sections.length * 32);
        b.put("TDVF".getBytes()).putInt(16 + sections.length * 32).putInt(1).putInt(sections.length);
        for (long[] s : sections) {
            b.putInt((int) s[0]).putInt((int) s[1]).putLong(s[2]).putLong(s[3]).putInt((int) s[4]).putInt((int) s[5]);
        }
        return b.array();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
