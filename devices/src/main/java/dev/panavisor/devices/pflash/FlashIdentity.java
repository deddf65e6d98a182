package dev.panavisor.devices.pflash;

/**
 * What a flash unit answers to Read Identifier (0x90): manufacturer code at offset 0,
 * device code at offset 1, each as QEMU packs them ({@code id0 << 8 | id1},
 * {@code id2 << 8 | id3}). QEMU's PC machine leaves all four at zero, and firmware built
 * for it never looks, so {@link #QEMU_PC} is the default.
 */
public record FlashIdentity(int id0, int id1, int id2, int id3) {
    public static final FlashIdentity QEMU_PC = new FlashIdentity(0, 0, 0, 0);

    public FlashIdentity {
        for (int v : new int[]{id0, id1, id2, id3}) {
            if (v < 0 || v > 0xFFFF) throw new IllegalArgumentException("identifier codes are 16 bit: " + v);
        }
    }

    int manufacturer() { return (id0 << 8 | id1) & 0xFFFF; }
    int device() { return (id2 << 8 | id3) & 0xFFFF; }
}
