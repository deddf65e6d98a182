package dev.panavisor.firmware.igvm;

import java.util.Optional;

/**
 * The runtime facts a loader can deposit into a parameter area. All share one on-disk structure
 * (area index, byte offset) and differ only in header type and in what the loader writes.
 */
public enum ParameterKind {
    /** A u32 count of VPs the host will start. */
    VP_COUNT(HeaderType.VP_COUNT_PARAMETER, 4),
    /** The ACPI SRAT table. */
    SRAT(HeaderType.SRAT, 0),
    /** The ACPI MADT table. */
    MADT(HeaderType.MADT, 0),
    /** Two {@link MemoryRange} entries describing MMIO space. */
    MMIO_RANGES(HeaderType.MMIO_RANGES, 2 * MemoryRange.SIZE),
    /** An array of {@link MemoryMapEntry}, ending with a zero-page entry. */
    MEMORY_MAP(HeaderType.MEMORY_MAP, 0),
    /** A NUL-terminated ASCII command line. */
    COMMAND_LINE(HeaderType.COMMAND_LINE, 0),
    /** The ACPI SLIT table. */
    SLIT(HeaderType.SLIT, 0),
    /** The ACPI PPTT table. */
    PPTT(HeaderType.PPTT, 0),
    /** A flattened device tree describing the whole partition. */
    DEVICE_TREE(HeaderType.DEVICE_TREE, 0),
    /** A u32 bitfield of environment facts; bit 0 means memory starts out shared. */
    ENVIRONMENT_INFO(HeaderType.ENVIRONMENT_INFO_PARAMETER, 4);

    /** Bit 0 of the environment info value: guest memory is initially host-visible. */
    public static final int ENVIRONMENT_MEMORY_IS_SHARED = 0x1;

    private final HeaderType headerType;
    private final int fixedSize;

    ParameterKind(HeaderType headerType, int fixedSize) {
        this.headerType = headerType;
        this.fixedSize = fixedSize;
    }

    public HeaderType headerType() {
        return headerType;
    }

    /** Bytes the loader writes, or 0 when that depends on the guest configuration. */
    public int fixedSize() {
        return fixedSize;
    }

    static Optional<ParameterKind> of(HeaderType type) {
        for (ParameterKind k : values()) {
            if (k.headerType == type) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
