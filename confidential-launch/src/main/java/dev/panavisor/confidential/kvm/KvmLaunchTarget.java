package dev.panavisor.confidential.kvm;

import dev.panavisor.kvm.IoctlTarget;

/**
 * The KVM objects a hardware launch backend works on: the VM (already created with the
 * platform's VM type), vCPUs it creates at the point of the launch where the platform allows
 * them, ownership of the fds it makes (guest_memfd), and the /dev/sev fd SEV commands carry.
 * {@link HostKvmLaunchTarget} is the real one; tests record what goes through it.
 */
public interface KvmLaunchTarget {
    /** The VM fd. */
    IoctlTarget vm();

    /** KVM_CREATE_VCPU for {@code index}; the target owns the vCPU. */
    IoctlTarget createVcpu(int index);

    /** Takes ownership of {@code fd} (made by an ioctl on {@link #vm()}), closing it with the VM. */
    void adopt(int fd, String what);

    /** An fd open on /dev/sev, for the {@code sev_fd} of SEV-SNP launch commands. */
    int sevFd();
}
