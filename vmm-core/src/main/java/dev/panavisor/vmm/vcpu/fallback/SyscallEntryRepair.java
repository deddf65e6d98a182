package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_debugregs;
import dev.panavisor.kvm.sys.kvm_dtable;
import dev.panavisor.kvm.sys.kvm_guest_debug;
import dev.panavisor.kvm.sys.kvm_guest_debug_arch;
import dev.panavisor.kvm.sys.kvm_msr_entry;
import dev.panavisor.kvm.sys.kvm_msrs;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.kvm.sys.kvm_vcpu_events;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.vcpu.FlatSegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Completes the SYSCALLs a host's emulator leaves half done: it loads RIP from IA32_LSTAR and
 * sets RCX and R11, but stays at CPL 3, so the fetch of the kernel's entry point faults (#PF,
 * a user access to a supervisor page) and the guest's first system call kills its process.
 * The VMM never sees the SYSCALL itself; it can see the page fault that follows.
 *
 * <p>How (one instance per vCPU, used only on its thread, and only on a host whose probe showed
 * the defect, see {@code SyscallDefectProbe}): the VM filters the guest's writes of IA32_LSTAR
 * to the VMM, which carries each out and puts a hardware breakpoint (KVM_SET_GUEST_DEBUG, DR0)
 * on the guest's #PF handler, as its IDT names it at that moment (Linux writes LSTAR in
 * {@code syscall_init}, after its final IDT is loaded). When the breakpoint fires, the handler's
 * first instruction has not run yet and the exception frame is on the stack; it is exactly the
 * defect when CR2 = the frame's RIP = LSTAR, the frame's CS has RPL 3 and the error code says
 * user mode. Then the exception is discarded and the vCPU put where SYSCALL should have left
 * it (SDM vol. 2, SYSCALL): CS = IA32_STAR[47:32] and SS = that + 8 as flat CPL 0 segments,
 * RFLAGS = R11 & ~IA32_FMASK (RF clear), RIP = LSTAR, RSP still the user's. What the
 * emulator already got right (RCX = return address, R11 = old RFLAGS) stays. CR2, which
 * SYSCALL does not change but the discarded fault set, gets back the value it had: the CR2 of
 * the last page fault the breakpoint saw, or CR2 when it was set (a guest writing CR2 itself
 * in between would be missed; Linux never does).
 *
 * <p>Every other page fault goes on to the guest's handler: the breakpoint is lifted for one
 * single step and then set again (this host does not honour RFLAGS.RF for it), two more exits
 * per fault. KVM on VMX or SVM reports the guest's own debug exceptions (its TF single-steps,
 * INT1) to a VMM with breakpoints set; those are injected back with their DR6 (this host's KVM
 * delivers them to the guest itself, so that path does not run here). The guest
 * cannot use hardware breakpoints of its own meanwhile: KVM gives DR7 to the VMM.
 */
public final class SyscallEntryRepair {
    private static final Logger LOG = LoggerFactory.getLogger(SyscallEntryRepair.class);

    public static final int MSR_STAR = 0xC000_0081, MSR_LSTAR = 0xC000_0082, MSR_FMASK = 0xC000_0084;
    private static final int PAGE_FAULT = 14, DEBUG = 1;
    private static final long DR6_B0 = 1, DR6_BS = 1L << 14;
    /** DR7: L0 (breakpoint 0 enabled), R/W0 = 00 and LEN0 = 00 (instruction execution), bit 10 reads as 1. */
    private static final long DR7_EXECUTE_BP0 = 1 | 1L << 10;
    private static final long RFLAGS_RF = 1L << 16, RFLAGS_FIXED = 1L << 1;
    private static final long EFER_LMA = 1L << 10;
    private static final int PF_USER = 1 << 2;
    /** No handler: a gate pointing at linear 0 is treated as unreadable, no kernel puts its #PF handler there. */
    private static final long NONE = 0;

    private final VcpuFd fd;
    private final GuestMemory memory;
    private final EmulationStats stats;
    private final MemorySegment regs, sregs, msrs, debug, events, debugRegs;
    private final GuestPageWalk walk;
    /** The architectural limits: this look at the guest's tables only needs them present. */
    private static final int PAGING_FEATURES = GuestPageWalk.cpuFeatures(52, true);
    private final long[] frame = new long[6];
    private long lstar;
    /** The #PF handler the breakpoint is on, or {@link #NONE}. Kernel addresses are negative as longs. */
    private long handler = NONE;
    private boolean stepping;
    /** CR2 as the guest last saw it set: by the last page fault the breakpoint caught, or when it was set. */
    private long cr2BeforeFault;

    public SyscallEntryRepair(VcpuFd fd, GuestMemory memory, EmulationStats stats) {
        this.fd = fd;
        this.memory = memory;
        this.stats = stats;
        this.walk = new GuestPageWalk(memory);
        Arena arena = Arena.ofAuto();
        regs = kvm_regs.allocate(arena);
        sregs = kvm_sregs.allocate(arena);
        msrs = arena.allocate(kvm_msrs.sizeof() + 2 * kvm_msr_entry.sizeof(), 8);
        debug = kvm_guest_debug.allocate(arena);
        events = kvm_vcpu_events.allocate(arena);
        debugRegs = kvm_debugregs.allocate(arena);
    }

    /**
     * Starts repairing on this vCPU (on its thread), for an LSTAR the guest may have written
     * before the VM began filtering it.
     */
    public void activate() {
        long v = readMsr(MSR_LSTAR);
        if (v != 0) {
            lstar = v;
            arm();
        }
    }

    /** A filtered guest WRMSR: false (KVM then raises #GP) for MSRs other than LSTAR or a value KVM refuses. */
    public boolean msrWrite(int index, long value) {
        if (index != MSR_LSTAR || !writeMsr(MSR_LSTAR, value)) return false;
        lstar = value;
        arm();
        return true;
    }

    /** A KVM_EXIT_DEBUG: always handled (ours, or the guest's own given back). */
    public boolean debugExit(long pc, long dr6) {
        if (stepping) {
            stepping = false;
            setDebug(KvmUapi.KVM_GUESTDBG_ENABLE() | KvmUapi.KVM_GUESTDBG_USE_HW_BP(), handler);
            if ((dr6 & DR6_BS) != 0) return true;
            // Not the step: the guest's own exception came first; it still gets it.
        } else if (handler != NONE && pc == handler && (dr6 & DR6_B0) != 0) {
            fd.getSregs(sregs);
            long cr2 = kvm_sregs.cr2(sregs);
            if (cr2 == lstar && completeSyscall()) {
                stats.completed(InstructionKind.SYSCALL);
                return true;
            }
            cr2BeforeFault = cr2;
            stepping = true;
            setDebug(KvmUapi.KVM_GUESTDBG_ENABLE() | KvmUapi.KVM_GUESTDBG_SINGLESTEP(), NONE);
            return true;
        }
        giveBackDebugException(dr6);
        return true;
    }

    private void arm() {
        fd.getSregs(sregs);
        long h = pageFaultHandler();
        if (h == NONE) {
            LOG.debug("vCPU {}: no readable #PF gate in the IDT yet; SYSCALL repair waits for the next LSTAR write", fd.id());
            if (handler != NONE) setDebug(0, NONE);
            handler = NONE;
            return;
        }
        handler = h;
        stepping = false;
        cr2BeforeFault = kvm_sregs.cr2(sregs);
        setDebug(KvmUapi.KVM_GUESTDBG_ENABLE() | KvmUapi.KVM_GUESTDBG_USE_HW_BP(), h);
        LOG.debug("vCPU {}: SYSCALL repair armed (LSTAR 0x{}, #PF handler 0x{})", fd.id(), Long.toHexString(lstar), Long.toHexString(h));
    }

    /** The handler of vector 14's 64-bit interrupt gate (SDM vol. 3, 6.14.1), or {@link #NONE} if it cannot be read. */
    private long pageFaultHandler() {
        if ((kvm_sregs.efer(sregs) & EFER_LMA) == 0) return NONE;
        MemorySegment idt = kvm_sregs.idt(sregs);
        if (Short.toUnsignedInt(kvm_dtable.limit(idt)) < PAGE_FAULT * 16 + 15) return NONE;
        long gate = kvm_dtable.base(idt) + PAGE_FAULT * 16L;
        long low = readLinear(gate), high = readLinear(gate + 8);
        if (low == -1 || high == -1) return NONE;
        return gateHandler(low, high);
    }

    /**
     * The handler address of a 64-bit IDT gate given as its two quadwords (SDM vol. 3, figure
     * 6-8: offset 15:0 in bits 15:0, 31:16 in bits 63:48, 63:32 in the second quadword), or
     * {@link #NONE} unless it is a present interrupt or trap gate.
     */
    static long gateHandler(long low, long high) {
        int type = (int) (low >>> 40) & 0xF;
        boolean present = (low & (1L << 47)) != 0;
        if (!present || (type != 0xE && type != 0xF)) return NONE;
        return (low & 0xFFFF) | ((low >>> 48) & 0xFFFF) << 16 | (high & 0xFFFF_FFFFL) << 32;
    }

    /** Discards the #PF and finishes the SYSCALL if the frame shows the defect; false if it does not. */
    private boolean completeSyscall() {
        fd.getRegs(regs);
        if (!readFrame(kvm_regs.rsp(regs))) return false;
        long error = frame[0], rip = frame[1], cs = frame[2], userRsp = frame[4];
        if (rip != lstar || (cs & 3) != 3 || (error & PF_USER) == 0) return false;
        kvm_msrs.nmsrs(msrs, 2);
        MemorySegment star = entry(0), fmask = entry(1);
        kvm_msr_entry.index(star, MSR_STAR);
        kvm_msr_entry.index(fmask, MSR_FMASK);
        if (fd.getMsrs(msrs) != 2) return false;
        int kernelCs = (int) (kvm_msr_entry.data(star) >>> 32) & 0xFFFC;
        FlatSegment.load(kvm_sregs.cs(sregs), kernelCs, FlatSegment.CODE, 0);
        FlatSegment.load(kvm_sregs.ss(sregs), kernelCs + 8, FlatSegment.DATA, 0);
        kvm_sregs.cr2(sregs, cr2BeforeFault);
        fd.setSregs(sregs);
        kvm_regs.rip(regs, lstar);
        kvm_regs.rsp(regs, userRsp);
        kvm_regs.rflags(regs, (kvm_regs.r11(regs) & ~kvm_msr_entry.data(fmask) & ~RFLAGS_RF) | RFLAGS_FIXED);
        fd.setRegs(regs);
        return true;
    }

    /** Injects a #DB the guest raised itself, with its DR6 (SDM vol. 3, 18.2.3). */
    private void giveBackDebugException(long dr6) {
        fd.getDebugRegs(debugRegs);
        kvm_debugregs.dr6(debugRegs, dr6);
        fd.setDebugRegs(debugRegs);
        fd.getVcpuEvents(events);
        ExceptionInjection.fill(events, DEBUG, -1);
        fd.setVcpuEvents(events);
    }

    private void setDebug(int control, long breakpoint) {
        debug.fill((byte) 0);
        kvm_guest_debug.control(debug, control);
        if (breakpoint != NONE) {
            MemorySegment arch = kvm_guest_debug.arch(debug);
            kvm_guest_debug_arch.debugreg(arch, 0, breakpoint);
            kvm_guest_debug_arch.debugreg(arch, 7, DR7_EXECUTE_BP0);
        }
        fd.setGuestDebug(debug);
    }

    /** The six quadwords of a #PF frame from CPL 3 (error code, RIP, CS, RFLAGS, RSP, SS) into {@link #frame}. */
    private boolean readFrame(long rsp) {
        if ((rsp & 0xFFF) <= 4096 - 8 * frame.length) {
            long gpa = translate(rsp);
            if (gpa < 0 || !memory.isValid(gpa, 8L * frame.length)) return false;
            for (int i = 0; i < frame.length; i++) frame[i] = memory.readU64(gpa + 8L * i);
            return true;
        }
        for (int i = 0; i < frame.length; i++) {
            frame[i] = readLinear(rsp + 8L * i);
            if (frame[i] == -1) return false;
        }
        return true;
    }

    /** Eight bytes at a guest-linear address (each page translated on its own), or -1. */
    private long readLinear(long linear) {
        if ((linear & 0xFFF) <= 4096 - 8) {
            long gpa = translate(linear);
            return gpa >= 0 && memory.isValid(gpa, 8) ? memory.readU64(gpa) : -1;
        }
        long v = 0;
        for (int i = 0; i < 8; ) {
            long gpa = translate(linear + i);
            if (gpa < 0) return -1;
            int inPage = (int) Math.min(8 - i, 4096 - ((linear + i) & 0xFFF));
            for (int j = 0; j < inPage; j++, i++) {
                if (!memory.isValid(gpa + j, 1)) return -1;
                v |= Byte.toUnsignedLong(memory.readU8(gpa + j)) << (8 * i);
            }
        }
        return v;
    }

    /** Through the paging in {@link #sregs} (loaded by the caller), as the VMM's own look: no rights, no flags. */
    private long translate(long linear) {
        long r = walk.translate(kvm_sregs.cr0(sregs), kvm_sregs.cr3(sregs), kvm_sregs.cr4(sregs), kvm_sregs.efer(sregs), 0,
                PAGING_FEATURES, linear, GuestPageWalk.INSPECT);
        return (r & GuestPageWalk.FAULT) != 0 ? -1 : r;
    }

    private MemorySegment entry(int i) {
        return msrs.asSlice(kvm_msrs.sizeof() + i * kvm_msr_entry.sizeof(), kvm_msr_entry.sizeof());
    }

    private long readMsr(int index) {
        kvm_msrs.nmsrs(msrs, 1);
        MemorySegment e = entry(0);
        kvm_msr_entry.index(e, index);
        kvm_msr_entry.data(e, 0);
        return fd.getMsrs(msrs) == 1 ? kvm_msr_entry.data(e) : 0;
    }

    private boolean writeMsr(int index, long value) {
        kvm_msrs.nmsrs(msrs, 1);
        MemorySegment e = entry(0);
        kvm_msr_entry.index(e, index);
        kvm_msr_entry.data(e, value);
        return fd.setMsrs(msrs) == 1;
    }
}
