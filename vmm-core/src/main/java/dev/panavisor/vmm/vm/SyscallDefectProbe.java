package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.KvmRun;
import dev.panavisor.kvm.Mapping;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.kvm_dtable;
import dev.panavisor.kvm.sys.kvm_msr_entry;
import dev.panavisor.kvm.sys.kvm_msrs;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_segment;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.vmm.boot.CpuidTable;
import dev.panavisor.vmm.vcpu.FlatSegment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Asks this host's KVM, once per process, whether it carries SYSCALL out correctly: a
 * throwaway VM with one vCPU starts at CPL 3 on a SYSCALL whose LSTAR points into a
 * supervisor page. A correct CPU (or emulator) runs the entry at CPL 0; the defect
 * {@link dev.panavisor.vmm.vcpu.fallback.SyscallEntryRepair} repairs shows as a #PF on that
 * fetch. A few emulated instructions and one small VM: milliseconds, off the start-up path.
 */
public final class SyscallDefectProbe {
    public enum Result { CORRECT, DEFECTIVE, UNKNOWN }

    private static final Logger LOG = LoggerFactory.getLogger(SyscallDefectProbe.class);
    private static final Memo PROCESS = new Memo();
    private static final int ATTEMPTS = 3, MAX_EXITS = 64;

    private static final long PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000, GDT = 0x4000, IDT = 0x5000,
            PF_HANDLER = 0x6000, TSS = 0x7000, KERNEL_STACK = 0x9000, ENTRY = 0x8000, USER_CODE = 0x20_0000,
            USER_STACK = 0x30_0000, SIZE = 0x40_0000;
    private static final int PORT_ENTRY = 0x80, PORT_FAULT = 0x81;
    private static final int KERNEL_CS = 0x10, KERNEL_SS = 0x18, USER_SS = 0x2B, USER_CS = 0x33, TSS_SELECTOR = 0x40;

    private SyscallDefectProbe() {}

    /**
     * The probe's answer for this host; the first call runs it, later ones return the same.
     * Callers that arrive while it runs wait for it. The probe opens /dev/kvm itself: it runs on
     * a helper thread, and a VM's own KVM fd may be closed meanwhile (its number then names
     * another file).
     */
    public static Result result() {
        return PROCESS.get(SyscallDefectProbe::runOnOwnFd);
    }

    /** The answer if this process probed already and got one, else null. */
    public static Result cached() { return PROCESS.known(); }

    private static Answer runOnOwnFd() {
        try (Kvm kvm = Kvm.open()) {
            return run(kvm);
        } catch (RuntimeException e) {
            return new Answer(Result.UNKNOWN, e.toString());
        }
    }

    /**
     * The answer once found. UNKNOWN is tried again (up to {@link #ATTEMPTS} runs), logged with
     * its cause, and never kept: a guest left without the repair it needs has every system call
     * fault, so one failed run must not decide for every later VM of the process.
     */
    static final class Memo {
        private final AtomicReference<Result> known = new AtomicReference<>();

        Result known() { return known.get(); }

        Result get(Supplier<Answer> probe) {
            Result r = known.get();
            if (r != null) return r;
            synchronized (known) {
                r = known.get();
                if (r != null) return r;
                r = Result.UNKNOWN;
                for (int attempt = 1; attempt <= ATTEMPTS && r == Result.UNKNOWN; attempt++) {
                    Answer a = probe.get();
                    r = a.result();
                    if (r == Result.UNKNOWN) LOG.warn("SYSCALL probe, run {} of {}: no answer ({})", attempt, ATTEMPTS, a.why());
                    else LOG.debug("SYSCALL probe: {} ({})", r, a.why());
                }
                if (r != Result.UNKNOWN) known.set(r);
                return r;
            }
        }
    }

    /** A probe run's result and what the probe VM did to give it. */
    record Answer(Result result, String why) {}

    /** Runs the probe VM (no caching). UNKNOWN when the VM could not be made or ended any other way. */
    static Answer run(Kvm kvm) {
        try (Arena arena = Arena.ofConfined();
             Mapping ram = Mapping.anonymous(SIZE);
             VmFd vm = kvm.createVm()) {
            vm.setUserMemoryRegion(0, 0, 0, SIZE, ram.address());
            MemorySegment m = ram.segment();
            writeTables(m);
            try (VcpuFd vcpu = vm.createVcpu(0)) {
                new CpuidTable(kvm, arena).applyTo(vcpu, 0);
                enterUserMode(vcpu, arena);
                int interrupted = 0;
                for (int exits = 0; exits < MAX_EXITS; exits++) {
                    int r = vcpu.run();
                    KvmRun run = vcpu.runPage();
                    // A signal meant for this thread, or an exit KVM makes for its own reasons: enter again.
                    if (r < 0 || run.exitReason() == KvmRun.EXIT_INTR) { interrupted++; continue; }
                    String after = " after " + exits + " exits, " + interrupted + " interrupted";
                    if (run.exitReason() != KvmRun.EXIT_IO) {
                        return new Answer(Result.UNKNOWN, "exit " + KvmRun.exitName(run.exitReason()) + after);
                    }
                    if (run.ioPort() == PORT_ENTRY) return new Answer(Result.CORRECT, "entry ran at CPL 0" + after);
                    if (run.ioPort() == PORT_FAULT) return new Answer(Result.DEFECTIVE, "entry fetch faulted" + after);
                }
                return new Answer(Result.UNKNOWN, "no answer in " + MAX_EXITS + " entries, " + interrupted + " interrupted");
            }
        } catch (RuntimeException e) {
            return new Answer(Result.UNKNOWN, e.toString());
        }
    }

    private static void writeTables(MemorySegment m) {
        long tableFlags = 0x7, bigPage = 0x80 | 0x60 | 0x3;   // P, W, U / PS, A, D, P, W
        m.set(U64_LE, PML4, PDPT | tableFlags);
        m.set(U64_LE, PDPT, PD | tableFlags);
        m.set(U64_LE, PD, bigPage);                          // 0-2 MiB: supervisor only
        m.set(U64_LE, PD + 8, USER_CODE | bigPage | 0x4);    // 2-4 MiB: user
        m.set(U64_LE, GDT + KERNEL_CS, 0x00AF9B000000FFFFL);
        m.set(U64_LE, GDT + KERNEL_SS, 0x00CF93000000FFFFL);
        m.set(U64_LE, GDT + 0x20, 0x00CFFB000000FFFFL);     // 32-bit user code (STAR's SYSRET base)
        m.set(U64_LE, GDT + USER_SS - 3, 0x00CFF3000000FFFFL);
        m.set(U64_LE, GDT + USER_CS - 3, 0x00AFFB000000FFFFL);
        m.set(U64_LE, GDT + TSS_SELECTOR, 0x0000_8900_0000_0067L | (TSS & 0xFF_FFFFL) << 16 | (TSS >>> 24) << 56);
        m.set(U64_LE, TSS + 4, KERNEL_STACK);               // RSP0: where the #PF from CPL 3 is delivered
        m.set(U64_LE, IDT + 14 * 16, (PF_HANDLER & 0xFFFF) | (long) KERNEL_CS << 16 | 0x8EL << 40 | (PF_HANDLER >>> 16 & 0xFFFF) << 48);
        code(m, PF_HANDLER, 0xB0, 14, 0xE6, PORT_FAULT, 0xF4);   // mov al, 14; out 0x81, al; hlt
        code(m, ENTRY, 0xB0, 0xAA, 0xE6, PORT_ENTRY, 0xF4);      // mov al, 0xaa; out 0x80, al; hlt
        code(m, USER_CODE, 0x0F, 0x05, 0xEB, 0xFE);              // syscall; jmp $
    }

    private static void code(MemorySegment m, long at, int... bytes) {
        for (int i = 0; i < bytes.length; i++) m.set(JAVA_BYTE, at + i, (byte) bytes[i]);
    }

    private static void enterUserMode(VcpuFd vcpu, Arena arena) {
        MemorySegment s = kvm_sregs.allocate(arena);
        vcpu.getSregs(s);
        kvm_sregs.cr0(s, 0x8005_0033L);     // PE MP ET NE WP AM PG
        kvm_sregs.cr3(s, PML4);
        kvm_sregs.cr4(s, 0x20);             // PAE
        kvm_sregs.efer(s, 0x501);           // SCE LME LMA
        kvm_dtable.base(kvm_sregs.gdt(s), GDT);
        kvm_dtable.limit(kvm_sregs.gdt(s), (short) (TSS_SELECTOR + 15));
        kvm_dtable.base(kvm_sregs.idt(s), IDT);
        kvm_dtable.limit(kvm_sregs.idt(s), (short) (15 * 16 - 1));
        FlatSegment.load(kvm_sregs.cs(s), USER_CS, FlatSegment.CODE, 3);
        for (MemorySegment d : new MemorySegment[]{kvm_sregs.ss(s), kvm_sregs.ds(s), kvm_sregs.es(s), kvm_sregs.fs(s), kvm_sregs.gs(s)}) {
            FlatSegment.load(d, USER_SS, FlatSegment.DATA, 3);
        }
        MemorySegment tr = kvm_sregs.tr(s);
        tr.fill((byte) 0);
        kvm_segment.selector(tr, (short) TSS_SELECTOR);
        kvm_segment.base(tr, TSS);
        kvm_segment.limit(tr, 0x67);
        kvm_segment.type(tr, (byte) 0xB);
        kvm_segment.present(tr, (byte) 1);
        vcpu.setSregs(s);

        MemorySegment r = kvm_regs.allocate(arena);
        r.fill((byte) 0);
        kvm_regs.rip(r, USER_CODE);
        kvm_regs.rsp(r, USER_STACK);
        kvm_regs.rflags(r, 0x2);
        vcpu.setRegs(r);

        MemorySegment msrs = arena.allocate(kvm_msrs.sizeof() + 3 * kvm_msr_entry.sizeof(), 8);
        kvm_msrs.nmsrs(msrs, 3);
        long[][] values = {{0xC000_0081L, 0x23L << 48 | (long) KERNEL_CS << 32}, {0xC000_0082L, ENTRY}, {0xC000_0084L, 0x700}};
        for (int i = 0; i < 3; i++) {
            MemorySegment e = msrs.asSlice(kvm_msrs.sizeof() + i * kvm_msr_entry.sizeof(), kvm_msr_entry.sizeof());
            kvm_msr_entry.index(e, (int) values[i][0]);
            kvm_msr_entry.data(e, values[i][1]);
        }
        if (vcpu.setMsrs(msrs) != 3) throw new IllegalStateException("KVM refused the probe's SYSCALL MSRs");
    }
}
