package dev.panavisor.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Where things are in the {@code pc} machine's guest-physical space, as QEMU's i440FX
 * machine lays it out: RAM from 0 up to the PCI hole (all of it when it fits under
 * 3.5 GiB, otherwise 3 GiB below and the rest from 4 GiB), the firmware flash units
 * stacked downward from 4 GiB (unit 0 on top, so the reset vector at 0xFFFFFFF0 is in it),
 * and the last 128 KiB of unit 0 also visible at 0xE0000..0xFFFFF for legacy BIOS code.
 */
public record PcMemoryMap(long ramBytes, long lowRamBytes, long highRamBytes, List<Long> flashBases, List<Long> flashSizes) {
    public static final long FOUR_GIB = 1L << 32;
    /** QEMU's i440FX: RAM that would reach 0xE0000000 is split at 3 GiB instead (gigabyte-aligned). */
    public static final long LOW_RAM_SPLIT_THRESHOLD = 0xE000_0000L;
    public static final long LOW_RAM_LIMIT = 0xC000_0000L;
    /** The legacy BIOS window below 1 MiB that shows the top of unit 0. */
    public static final long ISA_BIOS_END = 0x10_0000L;
    public static final long ISA_BIOS_MAX = 128 * 1024;
    /** Firmware may not reach down into the IOAPIC/HPET/LAPIC area; QEMU caps the total the same way. */
    public static final long FLASH_LIMIT = 16L << 20;
    public static final long MIN_RAM = 16L << 20;
    /** KVM's real-mode TSS (three pages) and identity-map page on Intel, where QEMU puts them. */
    public static final long KVM_IDENTITY_MAP = 0xFEFF_C000L;
    public static final long KVM_TSS = 0xFEFF_D000L;

    public PcMemoryMap {
        flashBases = List.copyOf(flashBases);
        flashSizes = List.copyOf(flashSizes);
    }

    public static PcMemoryMap of(long ramBytes, List<Long> flashUnitSizes) {
        if (ramBytes < MIN_RAM) throw new IllegalArgumentException("the pc machine needs at least " + (MIN_RAM >> 20) + " MiB of RAM");
        if ((ramBytes & 0xFFF) != 0) throw new IllegalArgumentException("RAM size must be a multiple of 4 KiB");
        if (flashUnitSizes.isEmpty()) throw new IllegalArgumentException("no firmware");
        long low = ramBytes >= LOW_RAM_SPLIT_THRESHOLD ? LOW_RAM_LIMIT : ramBytes;
        long total = 0;
        List<Long> bases = new ArrayList<>();
        for (long s : flashUnitSizes) {
            if (s <= 0 || s % 4096 != 0) throw new IllegalArgumentException("firmware image size " + s + " is not a non-zero multiple of 4 KiB");
            total += s;
            if (total > FLASH_LIMIT) throw new IllegalArgumentException("firmware images total more than " + (FLASH_LIMIT >> 20) + " MiB");
            bases.add(FOUR_GIB - total);
        }
        return new PcMemoryMap(ramBytes, low, ramBytes - low, bases, flashUnitSizes);
    }

    /** Bytes of unit 0 shown below 1 MiB. */
    public long isaBiosBytes() { return Math.min(flashSizes.getFirst(), ISA_BIOS_MAX); }

    public long isaBiosBase() { return ISA_BIOS_END - isaBiosBytes(); }
}
