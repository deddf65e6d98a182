package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;

/**
 * One entry of the memory map a loader deposits for the {@link ParameterKind#MEMORY_MAP} parameter.
 * Loaders write entries sorted, and finish with an entry of zero pages.
 */
public record MemoryMapEntry(long startingGpaPageNumber, long numberOfPages, MemoryMapEntryType type, int flags) {
    public static final int SIZE = 24;

    public MemoryMapEntry {
        FieldRanges.present("type", type);
        FieldRanges.u16("flags", flags);
    }

    public void writeTo(MemorySegment target, long offset) {
        LittleEndian.putU64(target, offset, startingGpaPageNumber);
        LittleEndian.putU64(target, offset + 8, numberOfPages);
        LittleEndian.putU16(target, offset + 16, type.code());
        LittleEndian.putU16(target, offset + 18, flags);
        LittleEndian.putU32(target, offset + 20, 0);
    }
}
