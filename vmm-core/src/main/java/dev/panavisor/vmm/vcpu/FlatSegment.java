package dev.panavisor.vmm.vcpu;

import dev.panavisor.kvm.sys.kvm_segment;

import java.lang.foreign.MemorySegment;

/**
 * A flat long-mode segment as SYSCALL and SYSRET load one without reading a descriptor (SDM
 * vol. 2, SYSCALL/SYSRET): base 0, limit 4 GiB (G=1), present, a code or data segment; a code
 * segment is 64-bit (L=1, D=0), a data segment has B=1.
 */
public final class FlatSegment {
    /** Execute/read, accessed. */
    public static final int CODE = 0xB;
    /** Read/write, accessed. */
    public static final int DATA = 0x3;

    private FlatSegment() {}

    public static void load(MemorySegment s, int selector, int type, int dpl) {
        boolean code = (type & 0x8) != 0;
        s.fill((byte) 0);
        kvm_segment.selector(s, (short) selector);
        kvm_segment.limit(s, 0xFFFF_FFFF);
        kvm_segment.type(s, (byte) type);
        kvm_segment.present(s, (byte) 1);
        kvm_segment.dpl(s, (byte) dpl);
        kvm_segment.s(s, (byte) 1);
        kvm_segment.l(s, (byte) (code ? 1 : 0));
        kvm_segment.db(s, (byte) (code ? 0 : 1));
        kvm_segment.g(s, (byte) 1);
    }
}
