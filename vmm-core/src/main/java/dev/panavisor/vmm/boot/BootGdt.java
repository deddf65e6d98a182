package dev.panavisor.vmm.boot;

import dev.panavisor.vmm.memory.GuestMemory;

/**
 * The flat GDT both direct-boot paths use. Selector 0x10 is the 64-bit __BOOT_CS and 0x18 the
 * __BOOT_DS that boot.rst's 64-bit protocol names; 0x08 is a 32-bit flat code segment for the
 * PVH entry; 0x20 a TSS descriptor, because entering protected mode needs a usable TR.
 */
public final class BootGdt {
    private BootGdt() {}

    public static final int CODE32 = 0x08;
    public static final int CODE64 = 0x10;
    public static final int DATA = 0x18;
    public static final int TSS = 0x20;

    // Intel SDM vol. 3A 3.4.5: limit 0xFFFFF with G=1 (4 GiB), P=1, DPL 0, S=1.
    static final long CODE32_DESCRIPTOR = 0x00CF9B000000FFFFL; // type 0xB execute/read accessed, D=1
    static final long CODE64_DESCRIPTOR = 0x00AF9B000000FFFFL; // L=1, D=0
    static final long DATA_DESCRIPTOR = 0x00CF93000000FFFFL;   // type 0x3 read/write accessed, B=1
    static final long TSS_DESCRIPTOR = 0x00008B0000000067L;    // 32-bit busy TSS, base 0, limit 0x67

    static final long[] ENTRIES = {0, CODE32_DESCRIPTOR, CODE64_DESCRIPTOR, DATA_DESCRIPTOR, TSS_DESCRIPTOR};

    public static final int LIMIT = ENTRIES.length * 8 - 1;

    public static void write(GuestMemory memory, long base) {
        for (int i = 0; i < ENTRIES.length; i++) memory.writeU64(base + 8L * i, ENTRIES[i]);
    }

    /** The descriptor at {@code selector}, for loading the hidden part of a segment register. */
    public static long descriptor(int selector) {
        return ENTRIES[selector >> 3];
    }
}
