package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.kvm.KvmException;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;
import dev.panavisor.kvm.sys.kvm_dtable;
import dev.panavisor.kvm.sys.kvm_msr_entry;
import dev.panavisor.kvm.sys.kvm_msrs;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_segment;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.kvm.sys.kvm_vcpu_events;
import dev.panavisor.kvm.sys.kvm_xcr;
import dev.panavisor.kvm.sys.kvm_xcrs;
import dev.panavisor.kvm.sys.kvm_xsave;
import dev.panavisor.vmm.memory.GuestMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link CpuState} of a KVM vCPU. {@link #begin()} reads registers and special registers;
 * everything else (XCR0, IA32_XSS, CPUID, the XSAVE image, events) is read when first asked
 * for. {@link #commit()} writes back only what changed. All buffers are allocated once per
 * vCPU and reused; only the vCPU's own thread uses an instance.
 */
public final class KvmCpuState implements CpuState {
    private static final int MSR_IA32_XSS = 0xDA0;
    private static final int MAX_CPUID_ENTRIES = 256;

    private final VcpuFd fd;
    private final GuestPageWalk walk;
    private final int[] leaf = new int[4];
    /** {@link GuestPageWalk#cpuFeatures} from the guest's CPUID, once read; -1 until then. */
    private int pagingFeatures = -1;
    private final MemorySegment regs, sregs, events, xsave, xcrs, msrs, cpuid;
    private boolean regsDirty, sregsDirty, xsaveLoaded, xsaveDirty, eventPending, xcrsLoaded, xssLoaded, cpuidLoaded;
    private long xss;

    public KvmCpuState(VcpuFd fd, GuestMemory memory) {
        this.fd = fd;
        this.walk = new GuestPageWalk(memory);
        Arena arena = Arena.ofAuto();
        regs = kvm_regs.allocate(arena);
        sregs = kvm_sregs.allocate(arena);
        events = kvm_vcpu_events.allocate(arena);
        xsave = kvm_xsave.allocate(arena);
        xcrs = kvm_xcrs.allocate(arena);
        msrs = arena.allocate(kvm_msrs.sizeof() + kvm_msr_entry.sizeof(), 8);
        cpuid = arena.allocate(kvm_cpuid2.sizeof() + MAX_CPUID_ENTRIES * kvm_cpuid_entry2.sizeof(), 8);
    }

    /** Starts an emulation: loads the registers every instruction needs. */
    public void begin() {
        fd.getRegs(regs);
        fd.getSregs(sregs);
        regsDirty = sregsDirty = xsaveLoaded = xsaveDirty = eventPending = xcrsLoaded = xssLoaded = false;
    }

    /** Writes back what the instruction changed; the exception (if any) goes last, after RIP. */
    public void commit() {
        if (sregsDirty) fd.setSregs(sregs);
        if (xsaveDirty) fd.setXsave(xsave);
        if (regsDirty) fd.setRegs(regs);
        if (eventPending) fd.setVcpuEvents(events);
    }

    /** Forgets the cached CPUID, e.g. after the VMM set new CPUID entries. */
    public void invalidateCpuid() { cpuidLoaded = false; pagingFeatures = -1; }

    @Override
    public long gpr(int reg) {
        return switch (reg) {
            case 0 -> kvm_regs.rax(regs); case 1 -> kvm_regs.rcx(regs); case 2 -> kvm_regs.rdx(regs); case 3 -> kvm_regs.rbx(regs);
            case 4 -> kvm_regs.rsp(regs); case 5 -> kvm_regs.rbp(regs); case 6 -> kvm_regs.rsi(regs); case 7 -> kvm_regs.rdi(regs);
            case 8 -> kvm_regs.r8(regs); case 9 -> kvm_regs.r9(regs); case 10 -> kvm_regs.r10(regs); case 11 -> kvm_regs.r11(regs);
            case 12 -> kvm_regs.r12(regs); case 13 -> kvm_regs.r13(regs); case 14 -> kvm_regs.r14(regs); case 15 -> kvm_regs.r15(regs);
            default -> throw new IllegalArgumentException("register " + reg);
        };
    }

    @Override
    public void setGpr(int reg, long v) {
        switch (reg) {
            case 0 -> kvm_regs.rax(regs, v); case 1 -> kvm_regs.rcx(regs, v); case 2 -> kvm_regs.rdx(regs, v); case 3 -> kvm_regs.rbx(regs, v);
            case 4 -> kvm_regs.rsp(regs, v); case 5 -> kvm_regs.rbp(regs, v); case 6 -> kvm_regs.rsi(regs, v); case 7 -> kvm_regs.rdi(regs, v);
            case 8 -> kvm_regs.r8(regs, v); case 9 -> kvm_regs.r9(regs, v); case 10 -> kvm_regs.r10(regs, v); case 11 -> kvm_regs.r11(regs, v);
            case 12 -> kvm_regs.r12(regs, v); case 13 -> kvm_regs.r13(regs, v); case 14 -> kvm_regs.r14(regs, v); case 15 -> kvm_regs.r15(regs, v);
            default -> throw new IllegalArgumentException("register " + reg);
        }
        regsDirty = true;
    }

    @Override public long rip() { return kvm_regs.rip(regs); }
    @Override public void setRip(long rip) { kvm_regs.rip(regs, rip); regsDirty = true; }
    @Override public long rflags() { return kvm_regs.rflags(regs); }
    @Override public void setRflags(long f) { kvm_regs.rflags(regs, f); regsDirty = true; }
    @Override public long cr0() { return kvm_sregs.cr0(sregs); }
    @Override public long cr4() { return kvm_sregs.cr4(sregs); }
    @Override public long efer() { return kvm_sregs.efer(sregs); }

    @Override
    public int cpl() {
        if (realMode()) return 0;
        if (virtual8086()) return 3;
        return kvm_segment.dpl(kvm_sregs.ss(sregs)) & 3; // SS.DPL is the CPL (SDM vol. 3, 5.5)
    }

    @Override
    public int codeSize() {
        if (realMode() || virtual8086()) return 16;
        MemorySegment cs = kvm_sregs.cs(sregs);
        if (longMode() && kvm_segment.l(cs) != 0) return 64;
        return kvm_segment.db(cs) != 0 ? 32 : 16;
    }

    @Override
    public long segmentBase(Segment s) {
        MemorySegment seg = switch (s) {
            case ES -> kvm_sregs.es(sregs); case CS -> kvm_sregs.cs(sregs); case SS -> kvm_sregs.ss(sregs);
            case DS -> kvm_sregs.ds(sregs); case FS -> kvm_sregs.fs(sregs); case GS -> kvm_sregs.gs(sregs);
        };
        return kvm_segment.base(seg);
    }

    @Override public long idtBase() { return kvm_dtable.base(kvm_sregs.idt(sregs)); }
    @Override public int idtLimit() { return Short.toUnsignedInt(kvm_dtable.limit(kvm_sregs.idt(sregs))); }

    @Override
    public long xcr0() {
        if (!xcrsLoaded) { fd.getXcrs(xcrs); xcrsLoaded = true; }
        int n = Math.min(kvm_xcrs.nr_xcrs(xcrs), 16);
        for (int i = 0; i < n; i++) {
            MemorySegment x = kvm_xcrs.xcrs(xcrs, i);
            if (kvm_xcr.xcr(x) == 0) return kvm_xcr.value(x);
        }
        return 1; // XCR0 resets to x87 only (SDM vol. 1, 13.3)
    }

    @Override
    public long xss() {
        if (!xssLoaded) {
            kvm_msrs.nmsrs(msrs, 1);
            MemorySegment e = msrs.asSlice(kvm_msrs.sizeof(), kvm_msr_entry.sizeof());
            kvm_msr_entry.index(e, MSR_IA32_XSS);
            kvm_msr_entry.data(e, 0);
            xss = fd.getMsrs(msrs) == 1 ? kvm_msr_entry.data(e) : 0;
            xssLoaded = true;
        }
        return xss;
    }

    @Override
    public void cpuid(int leaf, int subleaf, int[] out) {
        if (!cpuidLoaded) {
            kvm_cpuid2.nent(cpuid, MAX_CPUID_ENTRIES);
            int r = fd.ioctl(KvmUapi.KVM_GET_CPUID2(), cpuid);
            if (r < 0) throw new KvmException("ioctl(KVM_GET_CPUID2) on vCPU " + fd.id(), -r);
            cpuidLoaded = true;
        }
        int n = kvm_cpuid2.nent(cpuid);
        for (int i = 0; i < n; i++) {
            MemorySegment e = cpuid.asSlice(kvm_cpuid2.sizeof() + i * kvm_cpuid_entry2.sizeof(), kvm_cpuid_entry2.sizeof());
            if (kvm_cpuid_entry2.function(e) != leaf) continue;
            boolean indexed = (kvm_cpuid_entry2.flags(e) & KvmUapi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX()) != 0;
            if (indexed && kvm_cpuid_entry2.index(e) != subleaf) continue;
            out[0] = kvm_cpuid_entry2.eax(e);
            out[1] = kvm_cpuid_entry2.ebx(e);
            out[2] = kvm_cpuid_entry2.ecx(e);
            out[3] = kvm_cpuid_entry2.edx(e);
            return;
        }
        out[0] = out[1] = out[2] = out[3] = 0; // a leaf the guest was not given reads as zeros here
    }

    @Override
    public long translate(long linear, boolean write) throws GuestFault, EmulationRefused {
        long cr0 = cr0();
        long address = longMode() ? linear : linear & 0xFFFF_FFFFL;
        if ((cr0 & CR0_PG) == 0) return address;
        int access = (write ? GuestPageWalk.WRITE : GuestPageWalk.READ) | (cpl() == 3 ? GuestPageWalk.USER : 0);
        long r = walk.translate(cr0, kvm_sregs.cr3(sregs), cr4(), efer(), rflags(), pagingFeatures(), address, access);
        if (r == GuestPageWalk.TABLE_OUTSIDE_RAM) {
            throw new EmulationRefused(String.format("a page-table entry for linear 0x%x is not in guest RAM", linear));
        }
        if ((r & GuestPageWalk.FAULT) != 0) throw GuestFault.pageFault(linear, (int) r);
        return r;
    }

    /**
     * SDM vol. 3, 4.1.4: MAXPHYADDR from CPUID.80000008H:EAX[7:0] (36 where the guest's CPUID
     * has no such leaf) and Page1GB from CPUID.80000001H:EDX[26].
     */
    private int pagingFeatures() {
        if (pagingFeatures < 0) {
            cpuid(0x8000_0000, 0, leaf);
            int maxLeaf = leaf[0];
            int width = 0;
            boolean page1GiB = false;
            if (Integer.compareUnsigned(maxLeaf, 0x8000_0001) >= 0) {
                cpuid(0x8000_0001, 0, leaf);
                page1GiB = (leaf[3] & (1 << 26)) != 0;
            }
            if (Integer.compareUnsigned(maxLeaf, 0x8000_0008) >= 0) {
                cpuid(0x8000_0008, 0, leaf);
                width = leaf[0] & 0xFF;
            }
            pagingFeatures = GuestPageWalk.cpuFeatures(width != 0 ? width : 36, page1GiB);
        }
        return pagingFeatures;
    }

    @Override
    public MemorySegment xsaveImage() {
        if (!xsaveLoaded) {
            // KVM_GET_XSAVE's fixed 4 KiB cannot hold larger states (AMX tiles need KVM_GET_XSAVE2);
            // writing a truncated image back would lose state, so such a guest's instruction stops the VM.
            long needed = new XsaveLayout(this, xcr0()).standardSize(xcr0());
            if (needed > xsave.byteSize()) {
                throw new IllegalStateException("the guest's XSAVE state (" + needed
                        + " bytes for its XCR0) does not fit KVM_GET_XSAVE's " + xsave.byteSize() + " bytes");
            }
            fd.getXsave(xsave);
            xsaveLoaded = true;
        }
        return xsave;
    }

    @Override public void xsaveImageChanged() { xsaveDirty = true; }

    @Override
    public void raiseException(int vector, int errorCode) {
        fd.getVcpuEvents(events);
        ExceptionInjection.fill(events, vector, errorCode);
        eventPending = true;
    }

    @Override
    public void setCr2(long cr2) { kvm_sregs.cr2(sregs, cr2); sregsDirty = true; }
}
