package dev.panavisor.firmware.wrap;

import java.lang.foreign.MemorySegment;

/**
 * Firmware bytes at a guest-physical address: a flash image below 4 GiB, or the legacy BIOS
 * alias below 1 MiB.
 *
 * @param name what the bytes are, for messages and {@code igvm inspect} readers
 */
public record RomRegion(String name, long gpa, MemorySegment contents) {
    public RomRegion {
        if (name == null || contents == null) throw new NullPointerException();
        if (gpa % 4096 != 0 || contents.byteSize() % 4096 != 0 || contents.byteSize() == 0) {
            throw new IllegalArgumentException(String.format("%s: 0x%x bytes at 0x%x are not whole, aligned 4 KiB pages",
                    name, contents.byteSize(), gpa));
        }
    }

    public long endGpa() {
        return gpa + contents.byteSize();
    }
}
