package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.kvm.PrivateMemoryIoctls;
import dev.panavisor.kvm.sys.KvmUapi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A confidential guest's RAM as KVM needs it for a launch: each region registered with
 * KVM_SET_USER_MEMORY_REGION2 and a guest_memfd of its own for the private view, ranges turned
 * private with KVM_SET_MEMORY_ATTRIBUTES before a launch command fills them (both platforms'
 * KVM docs require it), shared pages written straight into the shared view.
 */
final class PrivateGuestMemory {
    private final KvmLaunchTarget target;
    private final List<GuestRamRegion> regions;
    private final String launch;

    PrivateGuestMemory(KvmLaunchTarget target, List<GuestRamRegion> regions, String launch) {
        this.target = target;
        this.regions = List.copyOf(regions);
        this.launch = launch;
        if (this.regions.isEmpty()) throw new IllegalArgumentException(launch + ": no guest RAM regions");
    }

    /** KVM_CREATE_GUEST_MEMFD and KVM_SET_USER_MEMORY_REGION2 for every region, in order. */
    void register() {
        for (GuestRamRegion r : regions) {
            int gmem = PrivateMemoryIoctls.createGuestMemfd(target.vm(), r.size(), 0);
            target.adopt(gmem, "guest_memfd of slot " + r.slot());
            PrivateMemoryIoctls.setUserMemoryRegion2(target.vm(), r.slot(), (int) KvmUapi.PV_KVM_MEM_GUEST_MEMFD(),
                    r.gpa(), r.size(), r.sharedMemory().address(), gmem, 0);
        }
    }

    /** KVM_SET_MEMORY_ATTRIBUTES(PRIVATE) for the range, after checking guest RAM backs it. */
    void makePrivate(long gpa, long length, LaunchPageType type) {
        region(gpa, length, type);
        PrivateMemoryIoctls.setMemoryAttributes(target.vm(), gpa, length, KvmUapi.PV_KVM_MEMORY_ATTRIBUTE_PRIVATE());
    }

    /** Shared pages: contents, then zeros, into the host-visible view; no ioctl. */
    void writeShared(long gpa, long length, MemorySegment contents) {
        GuestRamRegion r = region(gpa, length, LaunchPageType.SHARED);
        MemorySegment view = r.sharedMemory().asSlice(gpa - r.gpa(), length);
        long n = contents == null ? 0 : contents.byteSize();
        if (n > 0) MemorySegment.copy(contents, 0, view, 0, n);
        if (n < length) view.asSlice(n).fill((byte) 0);
    }

    /**
     * A page-aligned source buffer of {@code length} bytes holding {@code contents} and zeros
     * after them: KVM copies launch data from a userspace address, page by page.
     */
    static MemorySegment stage(Arena arena, long length, MemorySegment contents) {
        MemorySegment s = arena.allocate(length, 4096);
        s.fill((byte) 0);
        if (contents != null && contents.byteSize() > 0) MemorySegment.copy(contents, 0, s, 0, contents.byteSize());
        return s;
    }

    private GuestRamRegion region(long gpa, long length, LaunchPageType type) {
        for (GuestRamRegion r : regions) if (r.contains(gpa, length)) return r;
        throw new LaunchMeasurementException(String.format(
                "%s: %s pages at 0x%x, 0x%x bytes, are not inside one guest RAM region", launch, type, gpa, length));
    }
}
