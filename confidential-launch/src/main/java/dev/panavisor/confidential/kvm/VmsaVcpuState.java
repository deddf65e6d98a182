package dev.panavisor.confidential.kvm;

import dev.panavisor.kvm.IoctlTarget;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_dtable;
import dev.panavisor.kvm.sys.kvm_fpu;
import dev.panavisor.kvm.sys.kvm_msr_entry;
import dev.panavisor.kvm.sys.kvm_msrs;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_segment;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.kvm.sys.kvm_xcr;
import dev.panavisor.kvm.sys.kvm_xcrs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An SEV-ES/SNP VMSA turned into the vCPU state KVM builds VMSAs from. KVM never takes a VMSA
 * from userspace: at SNP_LAUNCH_FINISH it copies the vCPU's save area and registers into a fresh
 * VMSA and measures that. So a VMSA can be launched only if every field in it is one KVM fills
 * from state userspace can set, with a value KVM keeps as given. This class checks that, field by
 * field (AMD64 APM Vol. 2, Table B-4, VMSA layout for SEV-ES), and refuses the rest with an
 * {@link UnrepresentableVmsaException} naming the fields.
 *
 * <p>What KVM can take, and through which ioctl:
 * <ul>
 * <li>ES CS SS DS FS GS LDTR TR (selector, attributes bits 0-11, limit, base) and GDTR IDTR
 *     (base, 16-bit limit), CR0 CR2 CR3 CR4 EFER: KVM_SET_SREGS. KVM sets EFER.SVME in every
 *     VMCB and ORs the host's CR4.MCE into CR4, so the VMSA must have both set; CPL must equal
 *     SS.DPL (KVM derives it so).</li>
 * <li>RAX..R15, RSP, RIP, RFLAGS: KVM_SET_REGS.</li>
 * <li>x87 control/status/abridged tag/opcode/IP/DP, ST0-7, XMM0-15, MXCSR: KVM_SET_FPU (KVM
 *     copies these into the VMSA for non-default VM types). x87 CS/DS are written as 0 by KVM.</li>
 * <li>XCR0: KVM_SET_XCRS. G_PAT, STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE, SYSENTER_CS/ESP/EIP:
 *     KVM_SET_MSRS.</li>
 * <li>SEV_FEATURES: fixed per VM by KVM_SEV_INIT2 (plus SNP_ACTIVE); must equal that.</li>
 * <li>DR7 must be 0x400 (KVM refuses to launch otherwise) and DR6 0xffff0ff0 (a new vCPU's value).</li>
 * </ul>
 * Every other byte (VMPL, DR0-3, XSS, PKRU, TSC_AUX, YMM upper halves, shadow-stack state,
 * virtual TOM, interrupt control, ...) must be zero.
 */
public final class VmsaVcpuState {
    public static final int SIZE = 4096;
    /** SEV_FEATURES bit 0: KVM sets it for every SNP VM; it is not passed to KVM_SEV_INIT2. */
    public static final long SEV_FEATURE_SNP_ACTIVE = 1;

    static final int MSR_IA32_SYSENTER_CS = 0x174, MSR_IA32_SYSENTER_ESP = 0x175, MSR_IA32_SYSENTER_EIP = 0x176,
            MSR_IA32_CR_PAT = 0x277, MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082, MSR_CSTAR = 0xc0000083,
            MSR_SYSCALL_MASK = 0xc0000084, MSR_KERNEL_GS_BASE = 0xc0000102;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final long EFER_SVME = 1L << 12;
    private static final long CR4_MCE = 1L << 6;
    private static final long DR7_FIXED = 0x400;
    private static final long DR6_RESET = 0xffff0ff0L;

    // VMSA offsets (APM Vol. 2, Table B-4).
    static final int ES = 0x000, CS = 0x010, SS = 0x020, DS = 0x030, FS = 0x040, GS = 0x050,
            GDTR = 0x060, LDTR = 0x070, IDTR = 0x080, TR = 0x090, CPL = 0x0cb, EFER = 0x0d0, CR4 = 0x148,
            CR3 = 0x150, CR0 = 0x158, DR7 = 0x160, DR6 = 0x168, RFLAGS = 0x170, RIP = 0x178, RSP = 0x1d8,
            RAX = 0x1f8, STAR = 0x200, LSTAR = 0x208, CSTAR = 0x210, SFMASK = 0x218, KERNEL_GS_BASE = 0x220,
            SYSENTER_CS = 0x228, SYSENTER_ESP = 0x230, SYSENTER_EIP = 0x238, CR2 = 0x240, G_PAT = 0x268,
            RCX = 0x308, RDX = 0x310, RBX = 0x318, RBP = 0x328, RSI = 0x330, RDI = 0x338, R8 = 0x340,
            SEV_FEATURES = 0x3b0, XCR0 = 0x3e8, X87_DP = 0x400, MXCSR = 0x408, X87_FTW = 0x40c,
            X87_FSW = 0x40e, X87_FCW = 0x410, X87_FOP = 0x412, X87_RIP = 0x418, FPREG_X87 = 0x420,
            FPREG_XMM = 0x470;

    /** Named fields KVM cannot set, for messages; anything else non-zero is reported by offset. */
    private static final Object[][] OTHER_FIELDS = {
            {0x0a0, 0x28, "shadow-stack SSPs / U_CET"}, {0x0ca, 1, "VMPL"}, {0x140, 8, "XSS"},
            {0x180, 0x40, "DR0-DR3 / address masks"}, {0x1e0, 0x18, "S_CET / SSP / ISST"},
            {0x270, 0x28, "DBGCTL / LBR records"}, {0x2e8, 4, "PKRU"}, {0x2ec, 4, "TSC_AUX"},
            {0x390, 0x20, "guest exit info"}, {0x3b8, 8, "VINTR_CTRL"}, {0x3c0, 0x28, "exit code / virtual TOM / TLB / PCPU / EVENTINJ"},
            {0x414, 2, "x87 DS"}, {0x416, 2, "x87 CS"}, {0x570, 0x100, "YMM upper halves"},
    };

    private final MemorySegment vmsa;

    private VmsaVcpuState(MemorySegment vmsa) {
        this.vmsa = vmsa;
    }

    /**
     * Checks {@code vmsa} for vCPU {@code vp} of a VM whose KVM_SEV_INIT2 {@code vmsa_features}
     * were {@code initFeatures}; throws {@link UnrepresentableVmsaException} listing every problem.
     */
    public static VmsaVcpuState of(int vp, MemorySegment vmsa, long initFeatures) {
        if (vmsa.byteSize() != SIZE) {
            throw new UnrepresentableVmsaException("VP " + vp + ": a VMSA is 4096 bytes, got " + vmsa.byteSize());
        }
        MemorySegment copy = MemorySegment.ofArray(vmsa.toArray(ValueLayout.JAVA_BYTE));
        List<String> problems = new ArrayList<>();
        boolean[] used = new boolean[SIZE];
        for (int seg : new int[] {ES, CS, SS, DS, FS, GS, LDTR, TR}) {
            mark(used, seg, 16);
            int attributes = Short.toUnsignedInt(copy.get(U16, seg + 2));
            if ((attributes & 0xf000) != 0) {
                problems.add(String.format("%s attributes 0x%x have bits 12-15 set, which KVM's segment state cannot carry", segmentName(seg), attributes));
            }
        }
        for (int table : new int[] {GDTR, IDTR}) {
            mark(used, table + 4, 12);
            if (copy.get(U32, table + 4) > 0xffff || copy.get(U32, table + 4) < 0) {
                problems.add(String.format("%s limit 0x%x exceeds KVM's 16-bit descriptor-table limit", segmentName(table), copy.get(U32, table + 4)));
            }
        }
        mark(used, CPL, 1);
        int ssDpl = (Short.toUnsignedInt(copy.get(U16, SS + 2)) >> 5) & 3;
        if (copy.get(ValueLayout.JAVA_BYTE, CPL) != ssDpl) {
            problems.add("CPL " + copy.get(ValueLayout.JAVA_BYTE, CPL) + " differs from SS.DPL " + ssDpl + "; KVM derives CPL from SS");
        }
        for (int f : new int[] {EFER, CR4, CR3, CR0, CR2, RFLAGS, RIP, RSP, RAX, RCX, RDX, RBX, RBP, RSI, RDI,
                STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE, SYSENTER_CS, SYSENTER_ESP, SYSENTER_EIP, G_PAT,
                XCR0, X87_DP, X87_RIP}) {
            mark(used, f, 8);
        }
        mark(used, R8, 64);
        mark(used, MXCSR, 4);
        for (int f : new int[] {X87_FTW, X87_FSW, X87_FCW, X87_FOP}) mark(used, f, 2);
        mark(used, FPREG_X87, 80);
        mark(used, FPREG_XMM, 256);
        if ((copy.get(U64, EFER) & EFER_SVME) == 0) problems.add("EFER.SVME is clear; KVM sets it in every VMSA");
        if ((copy.get(U64, CR4) & CR4_MCE) == 0) problems.add("CR4.MCE is clear; KVM ORs in the host's CR4.MCE");
        if ((copy.get(U64, XCR0) & 1) == 0) problems.add(String.format("XCR0 0x%x lacks x87 (bit 0), which KVM_SET_XCRS refuses", copy.get(U64, XCR0)));
        if (Short.toUnsignedInt(copy.get(U16, X87_FTW)) > 0xff) {
            problems.add(String.format("x87 tag word 0x%x is not an abridged (FXSAVE) tag, the only form KVM keeps", copy.get(U16, X87_FTW)));
        }
        expect(copy, used, DR7, DR7_FIXED, "DR7", "KVM refuses to launch a vCPU with DR7 bits set", problems);
        expect(copy, used, DR6, DR6_RESET, "DR6", "Panavisor does not issue KVM_SET_DEBUGREGS; a new vCPU has 0xffff0ff0", problems);
        expect(copy, used, SEV_FEATURES, initFeatures | SEV_FEATURE_SNP_ACTIVE, "SEV_FEATURES",
                "KVM writes KVM_SEV_INIT2's vmsa_features plus SNP_ACTIVE into every VMSA", problems);
        for (Object[] f : OTHER_FIELDS) {
            int at = (Integer) f[0], len = (Integer) f[1];
            if (!allZero(copy, at, len)) problems.add(f[2] + " (VMSA 0x" + Integer.toHexString(at) + ") is set; KVM has no way to set it");
            mark(used, at, len);
        }
        for (int i = 0; i < SIZE; i++) {
            if (!used[i] && copy.get(ValueLayout.JAVA_BYTE, i) != 0) {
                int end = i;
                while (end < SIZE && !used[end]) end++;
                problems.add(String.format("reserved or unsupported bytes at VMSA 0x%x-0x%x are non-zero", i, end - 1));
                i = end;
            }
        }
        if (!problems.isEmpty()) {
            throw new UnrepresentableVmsaException("SEV-SNP VP " + vp + ": KVM cannot launch this VMSA: " + String.join("; ", problems));
        }
        return new VmsaVcpuState(copy);
    }

    /** The VMSA as given (a private copy), which KVM will rebuild byte for byte. */
    public MemorySegment vmsa() {
        return vmsa.asReadOnly();
    }

    /**
     * Loads the state into {@code vcpu}: KVM_GET_SREGS (to keep the APIC base and pending
     * interrupts), KVM_SET_SREGS, KVM_SET_REGS, KVM_SET_FPU, KVM_SET_XCRS, KVM_SET_MSRS.
     */
    public void applyTo(IoctlTarget vcpu) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sregs = kvm_sregs.allocate(a);
            vcpu.ioctlOrThrow(KvmUapi.KVM_GET_SREGS(), sregs, "KVM_GET_SREGS");
            fillSregs(sregs);
            vcpu.ioctlOrThrow(KvmUapi.KVM_SET_SREGS(), sregs, "KVM_SET_SREGS");

            MemorySegment regs = kvm_regs.allocate(a);
            fillRegs(regs);
            vcpu.ioctlOrThrow(KvmUapi.KVM_SET_REGS(), regs, "KVM_SET_REGS");

            MemorySegment fpu = kvm_fpu.allocate(a);
            fillFpu(fpu);
            vcpu.ioctlOrThrow(KvmUapi.KVM_SET_FPU(), fpu, "KVM_SET_FPU");

            MemorySegment xcrs = kvm_xcrs.allocate(a);
            xcrs.fill((byte) 0);
            kvm_xcrs.nr_xcrs(xcrs, 1);
            MemorySegment xcr = kvm_xcrs.xcrs(xcrs).asSlice(0, kvm_xcr.sizeof());
            kvm_xcr.xcr(xcr, 0);
            kvm_xcr.value(xcr, u64(XCR0));
            vcpu.ioctlOrThrow(KvmUapi.KVM_SET_XCRS(), xcrs, "KVM_SET_XCRS");

            long[][] msrs = msrs();
            MemorySegment list = a.allocate(kvm_msrs.sizeof() + msrs.length * kvm_msr_entry.sizeof(), 8);
            list.fill((byte) 0);
            kvm_msrs.nmsrs(list, msrs.length);
            for (int i = 0; i < msrs.length; i++) {
                MemorySegment e = list.asSlice(kvm_msrs.sizeof() + i * kvm_msr_entry.sizeof(), kvm_msr_entry.sizeof());
                kvm_msr_entry.index(e, (int) msrs[i][0]);
                kvm_msr_entry.data(e, msrs[i][1]);
            }
            int set = vcpu.ioctlOrThrow(KvmUapi.KVM_SET_MSRS(), list, "KVM_SET_MSRS");
            if (set != msrs.length) {
                throw new UnrepresentableVmsaException(String.format("KVM_SET_MSRS took %d of %d MSRs; it refused MSR 0x%x = 0x%x",
                        set, msrs.length, msrs[set][0], msrs[set][1]));
            }
        }
    }

    /** The MSRs the VMSA sets, as {index, value} pairs, in the order KVM_SET_MSRS gets them. */
    long[][] msrs() {
        return new long[][] {
                {MSR_IA32_CR_PAT, u64(G_PAT)}, {MSR_STAR, u64(STAR)}, {MSR_LSTAR, u64(LSTAR)}, {MSR_CSTAR, u64(CSTAR)},
                {MSR_SYSCALL_MASK, u64(SFMASK)}, {MSR_KERNEL_GS_BASE, u64(KERNEL_GS_BASE)},
                {MSR_IA32_SYSENTER_CS, u64(SYSENTER_CS)}, {MSR_IA32_SYSENTER_ESP, u64(SYSENTER_ESP)},
                {MSR_IA32_SYSENTER_EIP, u64(SYSENTER_EIP)},
        };
    }

    private void fillSregs(MemorySegment s) {
        segment(kvm_sregs.es(s), ES);
        segment(kvm_sregs.cs(s), CS);
        segment(kvm_sregs.ss(s), SS);
        segment(kvm_sregs.ds(s), DS);
        segment(kvm_sregs.fs(s), FS);
        segment(kvm_sregs.gs(s), GS);
        segment(kvm_sregs.ldt(s), LDTR);
        segment(kvm_sregs.tr(s), TR);
        table(kvm_sregs.gdt(s), GDTR);
        table(kvm_sregs.idt(s), IDTR);
        kvm_sregs.cr0(s, u64(CR0));
        kvm_sregs.cr2(s, u64(CR2));
        kvm_sregs.cr3(s, u64(CR3));
        // KVM adds CR4.MCE and EFER.SVME itself; the guest-visible values are without them.
        kvm_sregs.cr4(s, u64(CR4) & ~CR4_MCE);
        kvm_sregs.cr8(s, 0);
        kvm_sregs.efer(s, u64(EFER) & ~EFER_SVME);
    }

    private void segment(MemorySegment k, int at) {
        int attributes = Short.toUnsignedInt(vmsa.get(U16, at + 2));
        boolean present = (attributes & 0x80) != 0;
        kvm_segment.selector(k, vmsa.get(U16, at));
        kvm_segment.limit(k, vmsa.get(U32, at + 4));
        kvm_segment.base(k, vmsa.get(U64, at + 8));
        kvm_segment.type(k, (byte) (attributes & 0xf));
        kvm_segment.s(k, (byte) ((attributes >> 4) & 1));
        kvm_segment.dpl(k, (byte) ((attributes >> 5) & 3));
        kvm_segment.present(k, (byte) (present ? 1 : 0));
        kvm_segment.avl(k, (byte) ((attributes >> 8) & 1));
        kvm_segment.l(k, (byte) ((attributes >> 9) & 1));
        kvm_segment.db(k, (byte) ((attributes >> 10) & 1));
        kvm_segment.g(k, (byte) ((attributes >> 11) & 1));
        kvm_segment.unusable(k, (byte) (present ? 0 : 1));
        kvm_segment.padding(k, (byte) 0);
    }

    private void table(MemorySegment k, int at) {
        k.fill((byte) 0);
        kvm_dtable.base(k, vmsa.get(U64, at + 8));
        kvm_dtable.limit(k, (short) vmsa.get(U32, at + 4));
    }

    private void fillRegs(MemorySegment r) {
        kvm_regs.rax(r, u64(RAX));
        kvm_regs.rbx(r, u64(RBX));
        kvm_regs.rcx(r, u64(RCX));
        kvm_regs.rdx(r, u64(RDX));
        kvm_regs.rsi(r, u64(RSI));
        kvm_regs.rdi(r, u64(RDI));
        kvm_regs.rsp(r, u64(RSP));
        kvm_regs.rbp(r, u64(RBP));
        kvm_regs.r8(r, u64(R8));
        kvm_regs.r9(r, u64(R8 + 8));
        kvm_regs.r10(r, u64(R8 + 16));
        kvm_regs.r11(r, u64(R8 + 24));
        kvm_regs.r12(r, u64(R8 + 32));
        kvm_regs.r13(r, u64(R8 + 40));
        kvm_regs.r14(r, u64(R8 + 48));
        kvm_regs.r15(r, u64(R8 + 56));
        kvm_regs.rip(r, u64(RIP));
        kvm_regs.rflags(r, u64(RFLAGS));
    }

    private void fillFpu(MemorySegment f) {
        f.fill((byte) 0);
        MemorySegment fpr = kvm_fpu.fpr(f);
        for (int i = 0; i < 8; i++) MemorySegment.copy(vmsa, FPREG_X87 + 10L * i, fpr, 16L * i, 10);
        kvm_fpu.fcw(f, vmsa.get(U16, X87_FCW));
        kvm_fpu.fsw(f, vmsa.get(U16, X87_FSW));
        kvm_fpu.ftwx(f, (byte) vmsa.get(U16, X87_FTW));
        kvm_fpu.last_opcode(f, vmsa.get(U16, X87_FOP));
        kvm_fpu.last_ip(f, u64(X87_RIP));
        kvm_fpu.last_dp(f, u64(X87_DP));
        MemorySegment.copy(vmsa, FPREG_XMM, kvm_fpu.xmm(f), 0, 256);
        kvm_fpu.mxcsr(f, vmsa.get(U32, MXCSR));
    }

    private long u64(int at) {
        return vmsa.get(U64, at);
    }

    private static void expect(MemorySegment v, boolean[] used, int at, long want, String name, String why, List<String> problems) {
        mark(used, at, 8);
        long got = v.get(U64, at);
        if (got != want) problems.add(String.format("%s is 0x%x, must be 0x%x (%s)", name, got, want, why));
    }

    private static boolean allZero(MemorySegment v, int at, int len) {
        for (int i = 0; i < len; i++) if (v.get(ValueLayout.JAVA_BYTE, at + i) != 0) return false;
        return true;
    }

    private static void mark(boolean[] used, int at, int len) {
        for (int i = 0; i < len; i++) used[at + i] = true;
    }

    private static String segmentName(int at) {
        return new String[] {"ES", "CS", "SS", "DS", "FS", "GS", "GDTR", "LDTR", "IDTR", "TR"}[at / 16];
    }
}
