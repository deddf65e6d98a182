package dev.panavisor.firmware.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-assembled kernel images with exactly the fields the tests talk about. */
final class TestKernels {
    private TestKernels() {}

    /** A protocol-2.15 bzImage: 1 setup sector, 0x3000 bytes of protected-mode code with an LZ4 payload. */
    static byte[] bzImage() {
        int setupSects = 1;
        int pmSize = 0x3000;
        ByteBuffer b = ByteBuffer.allocate((setupSects + 1) * 512 + pmSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSects);
        b.putInt(0x1F4, pmSize / 16);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) (0x26C - 0x202));
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) 0x020F);
        b.put(0x211, (byte) 0x01);                 // LOADED_HIGH
        b.putInt(0x214, 0x100000);
        b.putInt(0x22C, 0x7FFFFFFF);               // initrd_addr_max
        b.putInt(0x230, 0x200000);                 // kernel_alignment
        b.put(0x234, (byte) 1);                    // relocatable_kernel
        b.put(0x235, (byte) 21);
        b.putShort(0x236, (short) 0x7F);           // xloadflags
        b.putInt(0x238, 2047);                     // cmdline_size
        b.putInt(0x248, 0x100);                    // payload_offset
        b.putInt(0x24C, 0x800);                    // payload_length
        b.putLong(0x258, 0x1000000);               // pref_address
        b.putInt(0x260, 0x10000);                  // init_size
        int pm = (setupSects + 1) * 512;
        b.put(pm + 0x100, (byte) 0x02).put(pm + 0x101, (byte) 0x21).put(pm + 0x102, (byte) 0x4C).put(pm + 0x103, (byte) 0x18);
        return b.array();
    }

    /** An ELF64 vmlinux: one PT_LOAD at 16 MiB (0x400 file bytes, 0x1000 in memory) and a PT_NOTE with a PVH entry. */
    static byte[] pvhElf(long entry) {
        return elf(entry, true);
    }

    static byte[] elf(long entry, boolean withPvhNote) {
        ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(0x10, (short) 2);          // ET_EXEC
        b.putShort(0x12, (short) 62);         // EM_X86_64
        b.putInt(0x14, 1);
        b.putLong(0x18, 0xffffffff81000000L);
        b.putLong(0x20, 64);                  // e_phoff
        b.putShort(0x34, (short) 64);
        b.putShort(0x36, (short) 56);
        b.putShort(0x38, (short) 2);
        // PT_LOAD
        b.putInt(64, 1);
        b.putLong(64 + 8, 0x800);
        b.putLong(64 + 16, 0xffffffff81000000L);
        b.putLong(64 + 24, 0x1000000);
        b.putLong(64 + 32, 0x400);
        b.putLong(64 + 40, 0x1000);
        // PT_NOTE at 0x200: a GNU note first, then Xen's
        b.putInt(120, 4);
        b.putLong(120 + 8, 0x200);
        int at = 0x200;
        at = note(b, at, "GNU", 3, new byte[20]);
        at = note(b, at, "Xen", 6, "linux\0".getBytes(StandardCharsets.US_ASCII));
        if (withPvhNote) {
            byte[] d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(entry).array();
            at = note(b, at, "Xen", 18, d);
        }
        b.putLong(120 + 32, at - 0x200);
        b.putLong(120 + 40, at - 0x200);
        return b.array();
    }

    static int note(ByteBuffer b, int at, String name, int type, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        b.putInt(at, n.length).putInt(at + 4, desc.length).putInt(at + 8, type);
        b.put(at + 12, n);
        int d = at + 12 + ((n.length + 3) & ~3);
        b.put(d, desc);
        return d + ((desc.length + 3) & ~3);
    }

    static byte[] withU8(byte[] image, int offset, int v) {
        byte[] c = image.clone();
        c[offset] = (byte) v;
        return c;
    }

    static byte[] withU16(byte[] image, int offset, int v) {
        byte[] c = image.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) v);
        return c;
    }

    static byte[] withU32(byte[] image, int offset, long v) {
        byte[] c = image.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, (int) v);
        return c;
    }

    static byte[] withU64(byte[] image, int offset, long v) {
        byte[] c = image.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, v);
        return c;
    }
}
