package dev.panavisor.confidential.kvm;

import dev.panavisor.kvm.IoctlTarget;
import dev.panavisor.kvm.OwnedFd;
import dev.panavisor.kvm.Posix;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.Libc;

import java.util.ArrayList;
import java.util.List;

/**
 * The real {@link KvmLaunchTarget}: a VM fd this object owns, its vCPUs, the guest_memfds a
 * launch made, and /dev/sev opened on first use. Closing it closes all of them, vCPUs first.
 */
public final class HostKvmLaunchTarget implements KvmLaunchTarget, AutoCloseable {
    public static final String SEV_DEVICE = "/dev/sev";

    private final VmFd vm;
    private final List<VcpuFd> vcpus = new ArrayList<>();
    private final List<OwnedFd> owned = new ArrayList<>();
    private OwnedFd sev;

    public HostKvmLaunchTarget(VmFd vm) {
        if (vm == null) throw new NullPointerException("vm");
        this.vm = vm;
    }

    @Override
    public IoctlTarget vm() {
        return vm;
    }

    public VmFd vmFd() {
        return vm;
    }

    @Override
    public IoctlTarget createVcpu(int index) {
        VcpuFd v = vm.createVcpu(index);
        vcpus.add(v);
        return v;
    }

    /** The vCPUs the launch created, in creation order. */
    public List<VcpuFd> vcpus() {
        return List.copyOf(vcpus);
    }

    @Override
    public void adopt(int fd, String what) {
        owned.add(new OwnedFd(fd, what));
    }

    @Override
    public int sevFd() {
        if (sev == null) sev = new OwnedFd(Posix.open(SEV_DEVICE, Libc.O_RDWR() | Libc.O_CLOEXEC()), SEV_DEVICE);
        return sev.fd();
    }

    @Override
    public void close() {
        for (VcpuFd v : vcpus) v.close();
        vm.close();
        for (OwnedFd f : owned) f.close();
        if (sev != null) sev.close();
    }
}
