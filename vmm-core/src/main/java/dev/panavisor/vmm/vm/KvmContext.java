package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.vmm.bus.IoBus;
import dev.panavisor.vmm.vcpu.EmulationFallback;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vcpu.VcpuSupervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The part of a VM that belongs to one KVM VM instance: the VM fd and the vCPUs created on it.
 * Guest RAM, ROM windows and the buses outlive it: a VM can swap in a fresh context (a new
 * launch context for a confidential firmware update) and register the same memory again.
 */
final class KvmContext implements AutoCloseable {
    private final VmFd fd;
    private final List<Vcpu> vcpus;
    /** Threads using the VM fd outside the vCPU loops (interrupt lines); -1 once closing. */
    private final AtomicInteger users = new AtomicInteger();

    private KvmContext(VmFd fd, List<Vcpu> vcpus) {
        this.fd = fd;
        this.vcpus = List.copyOf(vcpus);
    }

    /**
     * Creates the KVM VM, runs the VM-wide set-up, lets {@code memory} register guest memory on
     * the new fd, then creates {@code count} vCPUs (KVM wants memory and irqchip before vCPUs),
     * each with the instruction fallback {@code fallbacks} gives it.
     */
    static KvmContext create(Kvm kvm, int vmType, Consumer<VmFd> beforeVcpus, Consumer<VmFd> memory,
                             int count, IoBus pio, IoBus mmio, VcpuSupervisor supervisor,
                             Function<VcpuFd, EmulationFallback> fallbacks) {
        VmFd fd = kvm.createVm(vmType);
        List<Vcpu> vcpus = new ArrayList<>(count);
        try {
            beforeVcpus.accept(fd);
            memory.accept(fd);
            for (int i = 0; i < count; i++) {
                VcpuFd v = fd.createVcpu(i);
                Vcpu vcpu = new Vcpu(v, pio, mmio, supervisor);
                vcpu.setEmulationFallback(fallbacks.apply(v));
                vcpus.add(vcpu);
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

    /**
     * Pins the VM fd for one call from any thread: false once the context is closing (then the
     * caller uses the VM's new context). Lock-free and allocation-free, as a device may raise an
     * interrupt from a vCPU exit.
     */
    boolean enter() {
        while (true) {
            int u = users.get();
            if (u < 0) return false;
            if (users.compareAndSet(u, u + 1)) return true;
        }
    }

    void exit() {
        users.decrementAndGet();
    }

    /**
     * Closes every vCPU fd (and its kvm_run mapping), then the VM fd. The vCPU threads must be
     * stopped. Waits for calls that pinned the fd ({@link #enter()}) to finish, so none reaches a
     * closed fd, or worse, an fd number the kernel has meanwhile given to another file.
     */
    @Override
    public void close() {
        while (true) {
            int u = users.get();
            if (u < 0) return;   // closed already
            if (u == 0 && users.compareAndSet(0, -1)) break;
            Thread.onSpinWait();
        }
        RuntimeException first = null;
        for (Vcpu v : vcpus) {
            try { v.fd().close(); } catch (RuntimeException e) { if (first == null) first = e; }
        }
        try { fd.close(); } catch (RuntimeException e) { if (first == null) first = e; }
        if (first != null) throw first;
    }
}
