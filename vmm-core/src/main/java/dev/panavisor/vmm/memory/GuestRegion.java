package dev.panavisor.vmm.memory;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One contiguous range of guest-physical memory and the host memory behind it.
 *
 * @param name     what the range is for (shown in errors and in the memory map)
 * @param gpa      first guest-physical address
 * @param host     the host mapping; its size is the region's size
 * @param readOnly true for ROM-like regions (firmware); guest writes to it fault to the VMM as MMIO
 * @param guestMemfd the guest_memfd fd backing private accesses, or -1
 */
public record GuestRegion(String name, long gpa, MemorySegment host, boolean readOnly, int guestMemfd) {
    public GuestRegion {
        Objects.requireNonNull(name);
        Objects.requireNonNull(host);
        if (host.byteSize() == 0) throw new IllegalArgumentException("empty region " + name);
        if ((gpa & 0xFFF) != 0 || (host.byteSize() & 0xFFF) != 0) {
            throw new IllegalArgumentException("region " + name + " is not page-aligned");
        }
        long end = gpa + host.byteSize();
        if (end != 0 && Long.compareUnsigned(end, gpa) < 0) {
            throw new IllegalArgumentException("region " + name + " wraps around the address space");
        }
    }

    public long size() { return host.byteSize(); }

    /** One past the last address; 0 for a region ending exactly at 2^64. */
    public long end() { return gpa + host.byteSize(); }

    /** True when [addr, addr+len) lies inside this region, without overflow. */
    public boolean contains(long addr, long len) {
        long off = addr - gpa;
        return Long.compareUnsigned(off, size()) < 0 && len >= 0 && Long.compareUnsigned(len, size() - off) <= 0;
    }
}
