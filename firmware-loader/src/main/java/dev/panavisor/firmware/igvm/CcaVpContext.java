package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;

/**
 * An Arm CCA REC's initial state (RMM RmiRecParams): x0-x7, PC and flags, all measured into the RIM.
 * Stored as the first 80 bytes of a zero-padded 4K page.
 */
public record CcaVpContext(long x0, long x1, long x2, long x3, long x4, long x5, long x6, long x7,
                           long pc, long flags) implements VpContextData {
    public static final int SIZE = 80;

    static CcaVpContext readFrom(MemorySegment s) {
        long[] v = new long[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = LittleEndian.u64(s, i * 8L);
        }
        return new CcaVpContext(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    void writeTo(MemorySegment s) {
        long[] v = {x0, x1, x2, x3, x4, x5, x6, x7, pc, flags};
        for (int i = 0; i < v.length; i++) {
            LittleEndian.putU64(s, i * 8L, v[i]);
        }
    }
}
