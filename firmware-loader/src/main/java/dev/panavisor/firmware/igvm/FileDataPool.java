package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays out file data for the builder: each distinct blob once, in first-use order, starting at the
 * file data offset. Identical pages (zero-filled firmware regions, repeated VMSAs) share one copy.
 */
final class FileDataPool {
    private final long base;
    private final Map<ByteBlock, Long> offsets = new HashMap<>();
    private final List<ByteBlock> blobs = new ArrayList<>();
    private long size;

    FileDataPool(long base) {
        this.base = base;
    }

    /** File offset of {@code data}, placing it if it is new. */
    long place(ByteBlock data) {
        Long known = offsets.get(data);
        if (known != null) {
            return known;
        }
        long offset = base + size;
        offsets.put(data, offset);
        blobs.add(data);
        size += data.length();
        return offset;
    }

    long size() {
        return size;
    }

    void writeTo(MemorySegment target, long at) {
        long pos = at;
        for (ByteBlock blob : blobs) {
            MemorySegment.copy(blob.asSegment(), 0, target, pos, blob.length());
            pos += blob.length();
        }
    }
}
