package dev.panavisor.kvm;

import java.lang.foreign.MemorySegment;

/**
 * Something that accepts ioctls with a pointer argument: a VM or vCPU fd, or a
 * recorder in tests. Launch backends for SEV-SNP and TDX speak only through this,
 * so the exact sequence they issue can be checked on hosts that lack the hardware.
 */
public interface IoctlTarget {
    /** Issues {@code request} with {@code arg}; returns the non-negative result or {@code -errno}. */
    int ioctl(long request, MemorySegment arg);

    /** As {@link #ioctl(long, MemorySegment)}, throwing a {@link KvmException} naming {@code name} on failure. */
    default int ioctlOrThrow(long request, MemorySegment arg, String name) {
        int r = ioctl(request, arg);
        if (r < 0) throw new KvmException("ioctl(" + name + ")", -r);
        return r;
    }
}
