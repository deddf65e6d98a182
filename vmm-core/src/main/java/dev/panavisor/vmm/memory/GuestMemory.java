package dev.panavisor.vmm.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;

import java.util.List;

/**
 * Guest-physical memory as devices and loaders see it: bounds-checked access that
 * hands out slices of the host mappings (no copies), and that refuses any range which
 * leaves a region, crosses from one region into the next, or wraps around 2^64.
 *
 * <p>Regions are fixed at construction. Guest memory is shared with running vCPUs, so
 * nothing here is atomic with respect to the guest; callers that need ordering (DMA
 * descriptors) read once into locals and validate those.
 */
public final class GuestMemory {
    public static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong U64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final GuestRegion[] regions;

    public GuestMemory(List<GuestRegion> regions) {
        GuestRegion[] sorted = regions.toArray(GuestRegion[]::new);
        Arrays.sort(sorted, (a, b) -> Long.compareUnsigned(a.gpa(), b.gpa()));
        for (int i = 1; i < sorted.length; i++) {
            GuestRegion prev = sorted[i - 1];
            if (prev.end() == 0 || Long.compareUnsigned(prev.end(), sorted[i].gpa()) > 0) {
                throw new IllegalArgumentException("guest regions " + prev.name() + " and " + sorted[i].name() + " overlap");
            }
        }
        this.regions = sorted;
    }

    public List<GuestRegion> regions() { return List.of(regions); }

    /** The region holding all of [gpa, gpa+length), or null. */
    public GuestRegion regionFor(long gpa, long length) {
        // A handful of regions: a linear scan beats a search and allocates nothing.
        for (GuestRegion r : regions) {
            if (r.contains(gpa, length)) return r;
        }
        return null;
    }

    public boolean isValid(long gpa, long length) {
        return length >= 0 && regionFor(gpa, length) != null;
    }

    /** A view of [gpa, gpa+length) in host memory; throws if the range is not inside one region. */
    public MemorySegment slice(long gpa, long length) {
        if (length < 0) throw new GuestMemoryException(gpa, length, "has a negative length");
        GuestRegion r = regionFor(gpa, length);
        if (r == null) throw new GuestMemoryException(gpa, length, describeMiss(gpa, length));
        return r.host().asSlice(gpa - r.gpa(), length);
    }

    private String describeMiss(long gpa, long length) {
        if (length != 0 && gpa + length != 0 && Long.compareUnsigned(gpa + length, gpa) < 0) return "wraps around 2^64";
        for (GuestRegion r : regions) {
            if (r.contains(gpa, 1)) return "runs past the end of region " + r.name();
        }
        return "is not backed by guest memory";
    }

    public byte readU8(long gpa) { return slice(gpa, 1).get(ValueLayout.JAVA_BYTE, 0); }
    public short readU16(long gpa) { return slice(gpa, 2).get(U16_LE, 0); }
    public int readU32(long gpa) { return slice(gpa, 4).get(U32_LE, 0); }
    public long readU64(long gpa) { return slice(gpa, 8).get(U64_LE, 0); }
    public void writeU8(long gpa, byte v) { slice(gpa, 1).set(ValueLayout.JAVA_BYTE, 0, v); }
    public void writeU16(long gpa, short v) { slice(gpa, 2).set(U16_LE, 0, v); }
    public void writeU32(long gpa, int v) { slice(gpa, 4).set(U32_LE, 0, v); }
    public void writeU64(long gpa, long v) { slice(gpa, 8).set(U64_LE, 0, v); }

    /** Copies {@code src} into guest memory at {@code gpa}. */
    public void write(long gpa, MemorySegment src) {
        MemorySegment.copy(src, 0, slice(gpa, src.byteSize()), 0, src.byteSize());
    }

    public void write(long gpa, byte[] src) {
        write(gpa, MemorySegment.ofArray(src));
    }

    /** Copies guest memory at {@code gpa} into {@code dst}. */
    public void read(long gpa, MemorySegment dst) {
        MemorySegment.copy(slice(gpa, dst.byteSize()), 0, dst, 0, dst.byteSize());
    }

    public byte[] readBytes(long gpa, int length) {
        return slice(gpa, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Zero-fills [gpa, gpa+length). */
    public void fill(long gpa, long length, byte value) {
        slice(gpa, length).fill(value);
    }

    /** A human-readable map of the regions, for logs and the timeline. */
    public String describe() {
        List<String> lines = new ArrayList<>();
        for (GuestRegion r : regions) {
            lines.add(String.format("  [0x%012x-0x%012x) %-10s %s%s", r.gpa(), r.end() - 1 + 1, r.name(),
                    r.readOnly() ? "ro" : "rw", r.guestMemfd() >= 0 ? " guest_memfd" : ""));
        }
        return String.join("\n", lines);
    }
}
