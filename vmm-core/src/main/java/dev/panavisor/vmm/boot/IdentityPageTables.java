package dev.panavisor.vmm.boot;

import dev.panavisor.vmm.memory.GuestMemory;

/**
 * 4-level page tables mapping the first 4 GiB of guest-physical memory 1:1 with 2 MiB pages,
 * enough for the 64-bit boot protocol ("the range with setup_header.init_size from start address
 * of loaded kernel and zero page and command line buffer get ident mapping", boot.rst) and for
 * the kernel to find the MMIO hole. Layout: PML4, then one PDPT, then four page directories.
 */
public final class IdentityPageTables {
    private IdentityPageTables() {}

    static final long PRESENT = 1;
    static final long WRITABLE = 1 << 1;
    static final long PAGE_SIZE_2M = 1 << 7;
    static final int DIRECTORIES = 4;
    /** Bytes the tables take from their base: PML4 + PDPT + four directories. */
    public static final long SIZE = (2 + DIRECTORIES) * 4096L;
    /** How much they map. */
    public static final long MAPPED = (long) DIRECTORIES << 30;

    /** Writes the tables at {@code base} (4 KiB aligned) and returns the CR3 value. */
    public static long write(GuestMemory memory, long base) {
        if ((base & 0xFFF) != 0) throw new IllegalArgumentException("page tables must be 4 KiB aligned");
        memory.fill(base, SIZE, (byte) 0);
        long pml4 = base;
        long pdpt = base + 4096;
        memory.writeU64(pml4, pdpt | PRESENT | WRITABLE);
        for (int d = 0; d < DIRECTORIES; d++) {
            long pd = base + (2 + d) * 4096L;
            memory.writeU64(pdpt + 8L * d, pd | PRESENT | WRITABLE);
            for (int i = 0; i < 512; i++) {
                long physical = ((long) d << 30) + ((long) i << 21);
                memory.writeU64(pd + 8L * i, physical | PRESENT | WRITABLE | PAGE_SIZE_2M);
            }
        }
        return pml4;
    }
}
