package dev.panavisor.firmware.igvm;

import java.util.Optional;

/** What a memory map entry (or device tree memory node) describes. */
public enum MemoryMapEntryType {
    MEMORY(0x0),
    PLATFORM_RESERVED(0x1),
    PERSISTENT(0x2),
    /** Memory where VTL2 can apply protections against lower VTLs. */
    VTL2_PROTECTABLE(0x3),
    /** UEFI EFI_MEMORY_SP: reserved for a specific purpose, not general use. */
    SPECIFIC_PURPOSE(0x4),
    /** Listed in the memory map but hidden from other enumeration. */
    HIDDEN(0x5);

    private final int code;

    MemoryMapEntryType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<MemoryMapEntryType> fromCode(int code) {
        for (MemoryMapEntryType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
