package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_translation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A vCPU fd and its mmap'd kvm_run page. {@link #run()} is the hot path: one downcall,
 * errno read from a buffer this vCPU owns, no allocation, no exception for EINTR.
 * Everything else is set-up or slow path and may allocate.
 */
public final class VcpuFd extends OwnedFd implements IoctlTarget {
    private static final long KVM_RUN = KvmUapi.KVM_RUN();

    private final int id;
    private final Mapping runMapping;
    private final KvmRun run;
    private final MemorySegment errnoCapture = Posix.newCaptureState();

    VcpuFd(int fd, int id, int mmapSize) {
        super(fd, "kvm-vcpu" + id);
        this.id = id;
        try {
            this.runMapping = Mapping.shared(fd, 0, mmapSize, "kvm_run of vCPU " + id);
        } catch (RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
        this.run = new KvmRun(runMapping.segment());
    }

    public int id() { return id; }

    public KvmRun runPage() { return run; }

    /**
     * KVM_RUN. Returns 0 when the vCPU exited with a reason in {@link #runPage()}, or
     * {@code -errno}: {@code -EINTR} when kicked by a signal or immediate_exit,
     * {@code -EAGAIN} on a spurious wake-up. Only other errors are worth an exception,
     * and the caller decides.
     */
    public int run() {
        return Posix.ioctlNoThrow(errnoCapture, fd, KVM_RUN, 0L);
    }

    @Override
    public int ioctl(long request, MemorySegment arg) {
        return Posix.ioctlNoThrow(fd, request, arg);
    }

    public void getRegs(MemorySegment kvmRegs) { ioctlOrThrow(KvmUapi.KVM_GET_REGS(), kvmRegs, "KVM_GET_REGS"); }
    public void setRegs(MemorySegment kvmRegs) { ioctlOrThrow(KvmUapi.KVM_SET_REGS(), kvmRegs, "KVM_SET_REGS"); }
    public void getSregs(MemorySegment kvmSregs) { ioctlOrThrow(KvmUapi.KVM_GET_SREGS(), kvmSregs, "KVM_GET_SREGS"); }
    public void setSregs(MemorySegment kvmSregs) { ioctlOrThrow(KvmUapi.KVM_SET_SREGS(), kvmSregs, "KVM_SET_SREGS"); }
    public void getFpu(MemorySegment kvmFpu) { ioctlOrThrow(KvmUapi.KVM_GET_FPU(), kvmFpu, "KVM_GET_FPU"); }
    public void setFpu(MemorySegment kvmFpu) { ioctlOrThrow(KvmUapi.KVM_SET_FPU(), kvmFpu, "KVM_SET_FPU"); }
    public void setCpuid2(MemorySegment kvmCpuid2) { ioctlOrThrow(KvmUapi.KVM_SET_CPUID2(), kvmCpuid2, "KVM_SET_CPUID2"); }
    public void getLapic(MemorySegment lapic) { ioctlOrThrow(KvmUapi.KVM_GET_LAPIC(), lapic, "KVM_GET_LAPIC"); }
    public void setLapic(MemorySegment lapic) { ioctlOrThrow(KvmUapi.KVM_SET_LAPIC(), lapic, "KVM_SET_LAPIC"); }
    public void getVcpuEvents(MemorySegment ev) { ioctlOrThrow(KvmUapi.KVM_GET_VCPU_EVENTS(), ev, "KVM_GET_VCPU_EVENTS"); }
    public void setVcpuEvents(MemorySegment ev) { ioctlOrThrow(KvmUapi.KVM_SET_VCPU_EVENTS(), ev, "KVM_SET_VCPU_EVENTS"); }
    public void getXsave(MemorySegment xs) { ioctlOrThrow(KvmUapi.KVM_GET_XSAVE(), xs, "KVM_GET_XSAVE"); }
    public void setXsave(MemorySegment xs) { ioctlOrThrow(KvmUapi.KVM_SET_XSAVE(), xs, "KVM_SET_XSAVE"); }
    public void getXcrs(MemorySegment x) { ioctlOrThrow(KvmUapi.KVM_GET_XCRS(), x, "KVM_GET_XCRS"); }
    public void setXcrs(MemorySegment x) { ioctlOrThrow(KvmUapi.KVM_SET_XCRS(), x, "KVM_SET_XCRS"); }
    public void setMpState(MemorySegment s) { ioctlOrThrow(KvmUapi.KVM_SET_MP_STATE(), s, "KVM_SET_MP_STATE"); }
    public void getMpState(MemorySegment s) { ioctlOrThrow(KvmUapi.KVM_GET_MP_STATE(), s, "KVM_GET_MP_STATE"); }

    /** KVM_SET_MSRS; returns how many of the entries KVM accepted (it stops at the first it refuses). */
    /** KVM_SET_GUEST_DEBUG from a kvm_guest_debug: the VMM's own breakpoints and single-stepping. */
    public void setGuestDebug(MemorySegment kvmGuestDebug) { ioctlOrThrow(KvmUapi.KVM_SET_GUEST_DEBUG(), kvmGuestDebug, "KVM_SET_GUEST_DEBUG"); }
    public void getDebugRegs(MemorySegment kvmDebugregs) { ioctlOrThrow(KvmUapi.KVM_GET_DEBUGREGS(), kvmDebugregs, "KVM_GET_DEBUGREGS"); }
    public void setDebugRegs(MemorySegment kvmDebugregs) { ioctlOrThrow(KvmUapi.KVM_SET_DEBUGREGS(), kvmDebugregs, "KVM_SET_DEBUGREGS"); }

    public int setMsrs(MemorySegment kvmMsrs) { return ioctlOrThrow(KvmUapi.KVM_SET_MSRS(), kvmMsrs, "KVM_SET_MSRS"); }
    public int getMsrs(MemorySegment kvmMsrs) { return ioctlOrThrow(KvmUapi.KVM_GET_MSRS(), kvmMsrs, "KVM_GET_MSRS"); }

    /** KVM_SET_SIGNAL_MASK: the signal mask the thread has while inside KVM_RUN (a kvm_signal_mask). */
    public void setSignalMask(MemorySegment kvmSignalMask) {
        ioctlOrThrow(KvmUapi.KVM_SET_SIGNAL_MASK(), kvmSignalMask, "KVM_SET_SIGNAL_MASK");
    }

    /** KVM_TRANSLATE: guest-linear to guest-physical under the vCPU's current paging; -1 when unmapped. */
    public long translate(long linearAddress) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment t = kvm_translation.allocate(a);
            kvm_translation.linear_address(t, linearAddress);
            ioctlOrThrow(KvmUapi.KVM_TRANSLATE(), t, "KVM_TRANSLATE");
            return kvm_translation.valid(t) != 0 ? kvm_translation.physical_address(t) : -1L;
        }
    }

    @Override
    protected void beforeClose() {
        runMapping.close();
    }
}
