package dev.panavisor.firmware.igvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Hand assembly of IGVM bytes with nothing but ByteBuffer and CRC32, so tests can check the
 * library's layouts against the igvm_defs offsets instead of against themselves.
 */
final class Raw {
    private Raw() {}

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Type, length, payload, zero padding to 8. */
    static byte[] tlv(int type, byte[] payload) {
        int padded = (payload.length + 7) & ~7;
        return le(8 + padded).putInt(type).putInt(payload.length).put(payload).array();
    }

    static byte[] v1(List<byte[]> tlvs, byte[] fileData) {
        return image(1, 0, 4096, tlvs, fileData);
    }

    /** A complete image with the variable header right after the fixed header and a correct checksum. */
    static byte[] image(int version, int architecture, int pageSize, List<byte[]> tlvs, byte[] fileData) {
        int fixedSize = version == 2 ? 32 : 24;
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        tlvs.forEach(variable::writeBytes);
        int total = fixedSize + variable.size() + fileData.length;
        ByteBuffer b = le(total);
        b.putInt(0x4D564749).putInt(version).putInt(fixedSize).putInt(variable.size()).putInt(total).putInt(0);
        if (version == 2) {
            b.putInt(architecture).putInt(pageSize);
        }
        b.put(variable.toByteArray()).put(fileData);
        byte[] image = b.array();
        refreshChecksum(image);
        return image;
    }

    /** Recomputes the checksum the way the spec defines it, from the header fields in the bytes. */
    static void refreshChecksum(byte[] image) {
        int fixedSize = u32(image, 4) == 2 ? 32 : 24;
        int vhOffset = (int) u32(image, 8);
        int vhSize = (int) u32(image, 12);
        byte[] fixed = java.util.Arrays.copyOf(image, fixedSize);
        putU32(fixed, 20, 0);
        CRC32 crc = new CRC32();
        crc.update(fixed);
        crc.update(image, vhOffset, vhSize);
        putU32(image, 20, crc.getValue());
    }

    static long u32(byte[] b, int offset) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(offset));
    }

    static void putU8(byte[] b, int offset, int value) {
        b[offset] = (byte) value;
    }

    static void putU16(byte[] b, int offset, int value) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) value);
    }

    static void putU32(byte[] b, int offset, long value) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, (int) value);
    }

    static void putU64(byte[] b, int offset, long value) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, value);
    }

    // Payloads at the offsets of the igvm_defs repr(C) structures.

    static byte[] supportedPlatform(int mask, int highestVtl, int platformType, int version, long sharedBoundary) {
        return le(16).putInt(mask).put((byte) highestVtl).put((byte) platformType).putShort((short) version)
                .putLong(sharedBoundary).array();
    }

    static byte[] snpPlatform(int mask) {
        return supportedPlatform(mask, 0, 2, 1, 0);
    }

    static byte[] nativePlatform(int mask) {
        return supportedPlatform(mask, 0, 0, 1, 0);
    }

    static byte[] pageData(long gpa, int mask, long fileOffset, int flags, int dataType) {
        return le(24).putLong(gpa).putInt(mask).putInt((int) fileOffset).putInt(flags).putShort((short) dataType)
                .putShort((short) 0).array();
    }

    static byte[] parameterArea(long bytes, int index, long fileOffset) {
        return le(16).putLong(bytes).putInt(index).putInt((int) fileOffset).array();
    }

    static byte[] parameter(int index, int byteOffset) {
        return le(8).putInt(index).putInt(byteOffset).array();
    }

    static byte[] parameterInsert(long gpa, int mask, int index) {
        return le(16).putLong(gpa).putInt(mask).putInt(index).array();
    }

    static byte[] vpContext(long gpa, int mask, long fileOffset, int vpIndex) {
        return le(20).putLong(gpa).putInt(mask).putInt((int) fileOffset).putShort((short) vpIndex).putShort((short) 0)
                .array();
    }

    static byte[] guestPolicy(long policy, int mask) {
        return le(16).putLong(policy).putInt(mask).putInt(0).array();
    }

    static byte[] requiredMemory(long gpa, int mask, int bytes, int flags) {
        return le(24).putLong(gpa).putInt(mask).putInt(bytes).putInt(flags).putInt(0).array();
    }

    static byte[] errorRange(long gpa, int mask, int bytes) {
        return le(16).putLong(gpa).putInt(mask).putInt(bytes).array();
    }

    static byte[] relocatableRegion(int mask, int vp, int vtl, int flags, long alignment, long gpa, long size,
                                    long min, long max) {
        return le(48).putInt(mask).putShort((short) vp).put((byte) vtl).put((byte) flags).putLong(alignment)
                .putLong(gpa).putLong(size).putLong(min).putLong(max).array();
    }

    static byte[] pageTableRelocation(int mask, int vp, int vtl, long gpa, long size, long used) {
        return le(32).putInt(mask).putShort((short) vp).put((byte) vtl).put((byte) 0).putLong(gpa).putLong(size)
                .putLong(used).array();
    }

    static byte[] corim(int mask, long fileOffset, int size) {
        return le(16).putInt(mask).putInt((int) fileOffset).putInt(size).putInt(0).array();
    }

    static byte[] ccaPolicy(int mask, long zeroes, long ones, int hash, int lfa) {
        return le(32).putInt(mask).putInt(0).putLong(zeroes).putLong(ones).put((byte) hash).put((byte) lfa)
                .put(new byte[6]).array();
    }

    static IgvmFormatException rejects(byte[] image, IgvmRule rule) {
        IgvmFormatException e = assertThrows(IgvmFormatException.class, () -> IgvmReader.strict().read(image));
        assertEquals(rule, e.rule(), e.getMessage());
        return e;
    }

    static IgvmFile accepts(byte[] image) {
        try {
            return IgvmReader.strict().read(image);
        } catch (IgvmFormatException e) {
            throw new AssertionError("expected a valid file: " + e.getMessage(), e);
        }
    }
}
