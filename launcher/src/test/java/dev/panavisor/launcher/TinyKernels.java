package dev.panavisor.launcher;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Hand-assembled "kernels" that check what the boot protocol promised them, print one letter
 * on COM1 and pulse the i8042 reset line: enough to test each entry path on KVM in milliseconds.
 */
final class TinyKernels {
    private TinyKernels() {}

    static final long LOAD = 0x1000000;

    /**
     * Long mode code for a bzImage's 64-bit entry: checks "HdrS" at boot_params+0x202 through RSI
     * and that the e820 count is 3 (a 512 MiB guest), prints 'L', resets; 'X' on a mismatch.
     */
    static final int[] LONG_MODE_CHECK = {
            0xBA, 0xF8, 0x03, 0x00, 0x00,             // mov edx, 0x3f8
            0x8B, 0x86, 0x02, 0x02, 0x00, 0x00,       // mov eax, [rsi+0x202]
            0x3D, 0x48, 0x64, 0x72, 0x53,             // cmp eax, "HdrS"
            0x75, 0x0F,                               // jne bad
            0x80, 0xBE, 0xE8, 0x01, 0x00, 0x00, 0x03, // cmp byte [rsi+0x1e8], 3
            0x75, 0x08,                               // jne bad
            0xB0, 'L', 0xEE,                          // mov al,'L'; out dx,al
            0xB0, 0xFE, 0xE6, 0x64,                   // mov al,0xfe; out 0x64,al
            0xF4,                                     // hlt
            0xB0, 'X', 0xEE, 0xF4};                   // bad: mov al,'X'; out dx,al; hlt

    /** 32-bit code for the PVH entry: checks the start_info magic through EBX, prints 'P', resets. */
    static final int[] PVH_CHECK = {
            0xBA, 0xF8, 0x03, 0x00, 0x00,             // mov edx, 0x3f8
            0x8B, 0x03,                               // mov eax, [ebx]
            0x3D, 0x78, 0xC5, 0x6E, 0x33,             // cmp eax, XEN_HVM_START_MAGIC_VALUE
            0x75, 0x08,                               // jne bad
            0xB0, 'P', 0xEE,
            0xB0, 0xFE, 0xE6, 0x64,
            0xF4,
            0xB0, 'X', 0xEE, 0xF4};

    static byte[] bzImage() {
        int setupSects = 1;
        int pm = (setupSects + 1) * 512;
        int pmSize = 0x1000;
        ByteBuffer b = ByteBuffer.allocate(pm + pmSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSects);
        b.putInt(0x1F4, pmSize / 16);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) (0x26C - 0x202));
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) 0x020F);
        b.put(0x211, (byte) 0x01);
        b.putInt(0x22C, 0x7FFFFFFF);
        b.putInt(0x230, 0x200000);
        b.put(0x234, (byte) 1);
        b.putShort(0x236, (short) 0x3);
        b.putInt(0x238, 2047);
        b.putLong(0x258, LOAD);
        b.putInt(0x260, 0x100000);
        for (int i = 0; i < LONG_MODE_CHECK.length; i++) b.put(pm + 0x200 + i, (byte) LONG_MODE_CHECK[i]);
        return b.array();
    }

    static byte[] pvhElf() {
        ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(0x10, (short) 2).putShort(0x12, (short) 62).putInt(0x14, 1);
        b.putLong(0x20, 64).putShort(0x34, (short) 64).putShort(0x36, (short) 56).putShort(0x38, (short) 2);
        b.putInt(64, 1).putLong(64 + 8, 0x800).putLong(64 + 24, LOAD).putLong(64 + 32, 0x100).putLong(64 + 40, 0x2000);
        for (int i = 0; i < PVH_CHECK.length; i++) b.put(0x800 + i, (byte) PVH_CHECK[i]);
        // PT_NOTE: "Xen", XEN_ELFNOTE_PHYS32_ENTRY, 4-byte entry = the code's load address
        b.putInt(120, 4).putLong(120 + 8, 0x200).putLong(120 + 32, 20).putLong(120 + 40, 20);
        b.putInt(0x200, 4).putInt(0x204, 4).putInt(0x208, 18);
        b.put(0x20C, "Xen\0".getBytes(StandardCharsets.US_ASCII));
        b.putInt(0x210, (int) LOAD);
        return b.array();
    }
}
