package dev.panavisor.vmm.boot;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a PC-style guest's RAM goes and the e820 map describing it. RAM fills the
 * address space from 0 up to {@link #LOW_RAM_LIMIT}; the 32-bit PCI hole (MMIO for the
 * IOAPIC, LAPIC, flash and PCI BARs) takes [3 GiB, 4 GiB); the rest of RAM continues at 4 GiB.
 *
 * <p>Below 1 MiB the map follows the PC convention guests expect: 639 KiB of usable base
 * memory, then [0x9FC00, 1 MiB) reserved for the EBDA, VGA window and BIOS area, where
 * this VMM puts the MP table and the ACPI tables.
 */
public final class PcMemoryMap {
    public static final long BASE_MEMORY_END = 0x9FC00;
    public static final long ONE_MIB = 0x100000;
    public static final long LOW_RAM_LIMIT = 3L << 30;
    public static final long HIGH_RAM_BASE = 4L << 30;
    /** Big enough for the page tables, zero page and a small kernel; the machine asks for more where it must. */
    public static final long MIN_RAM = 8L << 20;

    /** A RAM region to map: guest-physical base and size. */
    public record RamRegion(String name, long gpa, long size) { }

    private final long ramBytes;

    public PcMemoryMap(long ramBytes) {
        if (ramBytes < MIN_RAM) throw new IllegalArgumentException("guest RAM must be at least " + (MIN_RAM >> 20) + " MiB");
        if ((ramBytes & 0xFFF) != 0) throw new IllegalArgumentException("guest RAM must be a whole number of 4 KiB pages");
        this.ramBytes = ramBytes;
    }

    public long ramBytes() { return ramBytes; }

    /** End of RAM below 4 GiB. */
    public long lowRamEnd() { return Math.min(ramBytes, LOW_RAM_LIMIT); }

    /** RAM above 4 GiB (0 when everything fits below the hole). */
    public long highRamSize() { return ramBytes - lowRamEnd(); }

    public List<RamRegion> ramRegions() {
        List<RamRegion> r = new ArrayList<>();
        r.add(new RamRegion("ram-low", 0, lowRamEnd()));
        if (highRamSize() > 0) r.add(new RamRegion("ram-high", HIGH_RAM_BASE, highRamSize()));
        return r;
    }

    /** The e820 map, sorted, non-overlapping, with no two neighbours of the same type (what Linux's sanitiser produces). */
    public List<E820Entry> e820() {
        List<E820Entry> e = new ArrayList<>();
        e.add(new E820Entry(0, BASE_MEMORY_END, E820Type.RAM));
        e.add(new E820Entry(BASE_MEMORY_END, ONE_MIB - BASE_MEMORY_END, E820Type.RESERVED));
        e.add(new E820Entry(ONE_MIB, lowRamEnd() - ONE_MIB, E820Type.RAM));
        if (highRamSize() > 0) e.add(new E820Entry(HIGH_RAM_BASE, highRamSize(), E820Type.RAM));
        return e;
    }
}
