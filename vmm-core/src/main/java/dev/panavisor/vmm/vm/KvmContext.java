package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.vmm.bus.IoBus;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vcpu.VcpuSupervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The part of a VM that belongs to one KVM VM instance: the VM fd and the vCPUs created on it.
 * Guest RAM, ROM windows and the buses outlive it: a VM can swap in a fresh context (a new
 * launch context for a confidential firmware update) and register the same memory again.
 */
final class KvmContext implements AutoCloseable {
    private final VmFd fd;
    private final List<Vcpu> vcpus;

    private KvmContext(VmFd fd, List<Vcpu> vcpus) {
        this.fd = fd;
        this.vcpus = List.copyOf(vcpus);
    }

    /**
     * Creates the KVM VM, runs the VM-wide set-up, lets {@code memory} register guest memory on
     * the new fd, then creates {@code count} vCPUs (KVM wants memory and irqchip before vCPUs).
     */
    static KvmContext create(Kvm kvm, int vmType, Consumer<VmFd> beforeVcpus, Consumer<VmFd> memory,
                             int count, IoBus pio, IoBus mmio, VcpuSupervisor supervisor) {
        VmFd fd = kvm.createVm(vmType);
        List<Vcpu> vcpus = new ArrayList<>(count);
        try {
            beforeVcpus.accept(fd);
            memory.accept(fd);
            for (int i = 0; i < count; i++) {
                VcpuFd v = fd.createVcpu(i);
                vcpus.add(new Vcpu(v, pio, mmio, supervisor));
            }
            return new KvmContext(fd, vcpus);
        } catch (RuntimeException e) {
            for (Vcpu v : vcpus) {
                try { v.fd().close(); } catch (RuntimeException s) { e.addSuppressed(s); }
            }
            try { fd.close(); } catch (RuntimeException s) { e.addSuppressed(s); }
            throw e;
        }
    }

    VmFd fd() { return fd; }
    List<Vcpu> vcpus() { return vcpus; }

    /** Closes every vCPU fd (and its kvm_run mapping), then the VM fd. The vCPU threads must be stopped. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Vcpu v : vcpus) {
            try { v.fd().close(); } catch (RuntimeException e) { if (first == null) first = e; }
        }
        try { fd.close(); } catch (RuntimeException e) { if (first == null) first = e; }
        if (first != null) throw first;
    }
}
