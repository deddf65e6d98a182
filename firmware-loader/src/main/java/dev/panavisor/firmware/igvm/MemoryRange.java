package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;

/**
 * A range of guest pages, in the form a loader writes for the MMIO ranges parameter (two of these
 * back to back). Page numbers, not addresses.
 */
public record MemoryRange(long startingGpaPageNumber, long numberOfPages) {
    public static final int SIZE = 16;

    public void writeTo(MemorySegment target, long offset) {
        LittleEndian.putU64(target, offset, startingGpaPageNumber);
        LittleEndian.putU64(target, offset + 8, numberOfPages);
    }

    public static MemoryRange readFrom(MemorySegment source, long offset) {
        return new MemoryRange(LittleEndian.u64(source, offset), LittleEndian.u64(source, offset + 8));
    }
}
