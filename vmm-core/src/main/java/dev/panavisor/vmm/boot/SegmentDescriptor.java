package dev.panavisor.vmm.boot;

import dev.panavisor.kvm.sys.kvm_segment;

import java.lang.foreign.MemorySegment;

/** Fills a kvm_segment from a GDT descriptor, as a far jump or segment load would (Intel SDM vol. 3A 3.4.5). */
final class SegmentDescriptor {
    private SegmentDescriptor() {}

    static long base(long d) {
        return ((d >>> 16) & 0xFFFFFF) | ((d >>> 32) & 0xFF000000L);
    }

    static long limit(long d) {
        long raw = (d & 0xFFFF) | ((d >>> 32) & 0xF0000);
        return granularity(d) ? (raw << 12) | 0xFFF : raw;
    }

    static int type(long d) { return (int) (d >>> 40) & 0xF; }
    static boolean system(long d) { return ((d >>> 44) & 1) == 0; }
    static int dpl(long d) { return (int) (d >>> 45) & 3; }
    static boolean present(long d) { return ((d >>> 47) & 1) != 0; }
    static boolean longMode(long d) { return ((d >>> 53) & 1) != 0; }
    static boolean defaultBig(long d) { return ((d >>> 54) & 1) != 0; }
    static boolean granularity(long d) { return ((d >>> 55) & 1) != 0; }

    static void load(MemorySegment seg, int selector, long d) {
        kvm_segment.selector(seg, (short) selector);
        kvm_segment.base(seg, base(d));
        kvm_segment.limit(seg, (int) limit(d));
        kvm_segment.type(seg, (byte) type(d));
        kvm_segment.present(seg, (byte) (present(d) ? 1 : 0));
        kvm_segment.dpl(seg, (byte) dpl(d));
        kvm_segment.db(seg, (byte) (defaultBig(d) ? 1 : 0));
        kvm_segment.s(seg, (byte) (system(d) ? 0 : 1));
        kvm_segment.l(seg, (byte) (longMode(d) ? 1 : 0));
        kvm_segment.g(seg, (byte) (granularity(d) ? 1 : 0));
        kvm_segment.avl(seg, (byte) 0);
        kvm_segment.unusable(seg, (byte) (present(d) ? 0 : 1));
    }
}
