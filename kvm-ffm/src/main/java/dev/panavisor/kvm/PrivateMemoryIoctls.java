package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.pv_kvm_create_guest_memfd;
import dev.panavisor.kvm.sys.pv_kvm_memory_attributes;
import dev.panavisor.kvm.sys.pv_kvm_userspace_memory_region2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The VM ioctls of private (guest_memfd-backed) memory, issued through any {@link IoctlTarget}:
 * a {@link VmFd}, or a recorder when a launch backend's exact ioctl sequence is under test.
 * Thin: each method fills one struct and issues one ioctl.
 */
public final class PrivateMemoryIoctls {
    private PrivateMemoryIoctls() {}

    /** KVM_CREATE_GUEST_MEMFD; returns the new guest_memfd, which the caller owns. */
    public static int createGuestMemfd(IoctlTarget vm, long size, long flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = pv_kvm_create_guest_memfd.allocate(a);
            pv_kvm_create_guest_memfd.size(r, size);
            pv_kvm_create_guest_memfd.flags(r, flags);
            return vm.ioctlOrThrow(KvmUapi.PV_KVM_CREATE_GUEST_MEMFD(), r, "KVM_CREATE_GUEST_MEMFD");
        }
    }

    /** KVM_SET_USER_MEMORY_REGION2 with a guest_memfd backing private accesses to the slot. */
    public static void setUserMemoryRegion2(IoctlTarget vm, int slot, int flags, long guestPhysAddr, long size,
                                            long hostAddress, int guestMemfd, long guestMemfdOffset) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = pv_kvm_userspace_memory_region2.allocate(a);
            pv_kvm_userspace_memory_region2.slot(r, slot);
            pv_kvm_userspace_memory_region2.flags(r, flags);
            pv_kvm_userspace_memory_region2.guest_phys_addr(r, guestPhysAddr);
            pv_kvm_userspace_memory_region2.memory_size(r, size);
            pv_kvm_userspace_memory_region2.userspace_addr(r, hostAddress);
            pv_kvm_userspace_memory_region2.guest_memfd(r, guestMemfd);
            pv_kvm_userspace_memory_region2.guest_memfd_offset(r, guestMemfdOffset);
            vm.ioctlOrThrow(KvmUapi.PV_KVM_SET_USER_MEMORY_REGION2(), r, "KVM_SET_USER_MEMORY_REGION2");
        }
    }

    /** KVM_SET_MEMORY_ATTRIBUTES, e.g. marking a range private before an SNP/TDX launch update. */
    public static void setMemoryAttributes(IoctlTarget vm, long guestPhysAddr, long size, long attributes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = pv_kvm_memory_attributes.allocate(a);
            pv_kvm_memory_attributes.address(r, guestPhysAddr);
            pv_kvm_memory_attributes.size(r, size);
            pv_kvm_memory_attributes.attributes(r, attributes);
            vm.ioctlOrThrow(KvmUapi.PV_KVM_SET_MEMORY_ATTRIBUTES(), r, "KVM_SET_MEMORY_ATTRIBUTES");
        }
    }
}
