package dev.panavisor.vmm.boot;

import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.kvm_dtable;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_sregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The boot vCPU's register state at a Linux entry point, with the GDT from {@link BootGdt}
 * already in guest memory at {@link BootLayout#GDT}.
 */
public final class DirectBootEntry {
    private DirectBootEntry() {}

    static final long CR0_PE = 1;
    static final long CR0_ET = 1 << 4;
    static final long CR0_PG = 1L << 31;
    static final long CR4_PAE = 1 << 5;
    static final long EFER_LME = 1 << 8;
    static final long EFER_LMA = 1 << 10;
    /** Bit 1 of RFLAGS is reserved as one; IF stays clear, as both protocols require. */
    static final long RFLAGS_RESERVED = 0x2;

    /** Values the tests check without a vCPU. */
    public record State(long cr0, long cr4, long efer, int codeSelector, int dataSelector) { }

    /** boot.rst "64-bit Boot Protocol": long mode, paging on with an identity map, __BOOT_CS/__BOOT_DS, RSI = boot_params. */
    public static final State LONG_MODE = new State(CR0_PE | CR0_ET | CR0_PG, CR4_PAE, EFER_LME | EFER_LMA, BootGdt.CODE64, BootGdt.DATA);
    /** Xen PVH ABI: 32-bit protected mode, paging off, flat 4 GiB CS/DS/ES/SS, CR4 zero, EFER zero. */
    public static final State PVH = new State(CR0_PE | CR0_ET, 0, 0, BootGdt.CODE32, BootGdt.DATA);

    /** Enters a bzImage's 64-bit entry point (load address + 0x200) with RSI pointing at the zero page. */
    public static void longMode(VcpuFd vcpu, long entry, long zeroPage, long cr3) {
        apply(vcpu, LONG_MODE, cr3, entry, r -> {
            kvm_regs.rsi(r, zeroPage);
            kvm_regs.rsp(r, BootLayout.BOOT_STACK_TOP);
            kvm_regs.rbp(r, BootLayout.BOOT_STACK_TOP);
        });
    }

    /** Enters a PVH kernel's 32-bit entry point with EBX pointing at hvm_start_info. */
    public static void pvh(VcpuFd vcpu, long entry, long startInfo) {
        if (entry >>> 32 != 0 || startInfo >>> 32 != 0) throw new IllegalArgumentException("PVH entry and start_info must lie below 4 GiB");
        apply(vcpu, PVH, 0, entry, r -> kvm_regs.rbx(r, startInfo));
    }

    private static void apply(VcpuFd vcpu, State state, long cr3, long rip, java.util.function.Consumer<MemorySegment> regs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = kvm_sregs.allocate(a);
            vcpu.getSregs(s);
            SegmentDescriptor.load(kvm_sregs.cs(s), state.codeSelector(), BootGdt.descriptor(state.codeSelector()));
            long data = BootGdt.descriptor(state.dataSelector());
            for (MemorySegment seg : new MemorySegment[] {kvm_sregs.ds(s), kvm_sregs.es(s), kvm_sregs.fs(s), kvm_sregs.gs(s), kvm_sregs.ss(s)}) {
                SegmentDescriptor.load(seg, state.dataSelector(), data);
            }
            SegmentDescriptor.load(kvm_sregs.tr(s), BootGdt.TSS, BootGdt.descriptor(BootGdt.TSS));
            MemorySegment gdt = kvm_sregs.gdt(s);
            kvm_dtable.base(gdt, BootLayout.GDT);
            kvm_dtable.limit(gdt, (short) BootGdt.LIMIT);
            MemorySegment idt = kvm_sregs.idt(s);
            kvm_dtable.base(idt, BootLayout.IDT);
            kvm_dtable.limit(idt, (short) 0);
            kvm_sregs.cr0(s, state.cr0());
            kvm_sregs.cr3(s, cr3);
            kvm_sregs.cr4(s, state.cr4());
            kvm_sregs.efer(s, state.efer());
            vcpu.setSregs(s);

            MemorySegment r = kvm_regs.allocate(a);
            kvm_regs.rip(r, rip);
            kvm_regs.rflags(r, RFLAGS_RESERVED);
            regs.accept(r);
            vcpu.setRegs(r);
        }
    }
}
