package dev.panavisor.vmm.memory;

/** What host memory backs guest RAM. */
public enum MemoryBacking {
    /** Private anonymous mmap: the default, and what every KVM host supports. */
    ANONYMOUS,
    /**
     * A guest_memfd created with GUEST_MEMFD_FLAG_MMAP and mapped by the VMM: the same
     * pages serve the host's view and KVM's, and the memory is ready to become private
     * for SEV-SNP/TDX launches. Needs KVM_CAP_GUEST_MEMFD_FLAGS.
     */
    GUEST_MEMFD
}
