package dev.panavisor.vmm.boot;

import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_segment;
import dev.panavisor.kvm.sys.kvm_sregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Puts a vCPU in 16-bit real mode at {@code segment:offset}, interrupts off: the state
 * a flat test image expects (the x86 power-on state, with CS moved to the image).
 */
public final class RealModeEntry {
    private RealModeEntry() {}

    public static void apply(VcpuFd vcpu, int codeSegment, int ip) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = kvm_sregs.allocate(a);
            vcpu.getSregs(s);
            realModeSegment(kvm_sregs.cs(s), codeSegment, 0xB);
            for (MemorySegment seg : new MemorySegment[]{kvm_sregs.ds(s), kvm_sregs.es(s), kvm_sregs.fs(s),
                    kvm_sregs.gs(s), kvm_sregs.ss(s)}) {
                realModeSegment(seg, 0, 0x3);
            }
            kvm_sregs.cr0(s, 0x60000010L); // CD|NW|ET: the architectural reset value
            kvm_sregs.cr3(s, 0);
            kvm_sregs.cr4(s, 0);
            kvm_sregs.efer(s, 0);
            vcpu.setSregs(s);

            MemorySegment r = kvm_regs.allocate(a);
            kvm_regs.rip(r, ip & 0xFFFF);
            kvm_regs.rflags(r, 0x2); // bit 1 is reserved-as-one; IF clear
            vcpu.setRegs(r);
        }
    }

    private static void realModeSegment(MemorySegment seg, int selector, int type) {
        kvm_segment.selector(seg, (short) selector);
        kvm_segment.base(seg, (long) selector << 4);
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
