package dev.panavisor.vmm.boot;

import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_segment;
import dev.panavisor.kvm.sys.kvm_sregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The x86 power-on (RESET#) register state firmware expects: real mode, CS selector 0xF000
 * with its hidden base at 0xFFFF0000 and IP 0xFFF0, so the first fetch is at 0xFFFFFFF0, the
 * top of the firmware flash (Intel SDM vol. 3, 9.1.4 "First Instruction Executed").
 * Unlike {@link RealModeEntry}, CS's base is not selector &lt;&lt; 4 until the first far jump.
 */
public final class PowerOnState {
    public static final int RESET_CS_SELECTOR = 0xF000;
    public static final long RESET_CS_BASE = 0xFFFF0000L;
    public static final int RESET_IP = 0xFFF0;

    private PowerOnState() {}

    public static void apply(VcpuFd vcpu) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = kvm_sregs.allocate(a);
            vcpu.getSregs(s);
            segment(kvm_sregs.cs(s), RESET_CS_SELECTOR, RESET_CS_BASE, 0xB);
            for (MemorySegment seg : new MemorySegment[]{kvm_sregs.ds(s), kvm_sregs.es(s), kvm_sregs.fs(s),
                    kvm_sregs.gs(s), kvm_sregs.ss(s)}) {
                segment(seg, 0, 0, 0x3);
            }
            kvm_sregs.cr0(s, 0x60000010L); // CD|NW|ET (SDM 9.1.1, table 9-1)
            kvm_sregs.cr2(s, 0);
            kvm_sregs.cr3(s, 0);
            kvm_sregs.cr4(s, 0);
            kvm_sregs.efer(s, 0);
            vcpu.setSregs(s);

            MemorySegment r = kvm_regs.allocate(a);
            kvm_regs.rip(r, RESET_IP);
            kvm_regs.rflags(r, 0x2);
            // EDX holds the processor signature at reset; firmware may log it, none depends on it.
            kvm_regs.rdx(r, 0x600);
            vcpu.setRegs(r);
        }
    }

    private static void segment(MemorySegment seg, int selector, long base, int type) {
        kvm_segment.selector(seg, (short) selector);
        kvm_segment.base(seg, base);
        kvm_segment.limit(seg, 0xFFFF);
        kvm_segment.type(seg, (byte) type);
        kvm_segment.present(seg, (byte) 1);
        kvm_segment.s(seg, (byte) 1);
        kvm_segment.dpl(seg, (byte) 0);
        kvm_segment.db(seg, (byte) 0);
        kvm_segment.l(seg, (byte) 0);
        kvm_segment.g(seg, (byte) 0);
        kvm_segment.unusable(seg, (byte) 0);
    }
}
