package dev.panavisor.devices.vmfwupdate;

/**
 * A non-empty guest-physical range [{@code start}, {@code start + size}), sizes unsigned. It may
 * end exactly at 2^64 but never wraps past it.
 */
public record GpaRange(long start, long size) {
    public GpaRange {
        if (size == 0) throw new IllegalArgumentException("empty range at 0x" + Long.toHexString(start));
        if (wraps(start, size)) {
            throw new IllegalArgumentException(String.format("range [0x%x, +0x%x) wraps around 2^64", start, size));
        }
    }

    /** True when [start, start + size) runs past 2^64 (an end of exactly 2^64 is fine). */
    public static boolean wraps(long start, long size) {
        long end = start + size;
        return end != 0 && Long.compareUnsigned(end, start) < 0;
    }

    /** One past the last address; 0 when the range ends exactly at 2^64. */
    public long end() { return start + size; }

    /** True when {@code address} lies inside. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address - start, size) < 0;
    }

    /** True when the two ranges share at least one address (one of them starts inside the other). */
    public boolean overlaps(GpaRange other) {
        return contains(other.start) || other.contains(start);
    }

    @Override public String toString() {
        return String.format("[0x%x, +0x%x)", start, size);
    }
}
