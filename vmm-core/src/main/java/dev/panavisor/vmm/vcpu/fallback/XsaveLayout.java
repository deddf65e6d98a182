package dev.panavisor.vmm.vcpu.fallback;

/**
 * Where each XSAVE state component lives (SDM vol. 1, 13.4 and 13.4.3): components 0 (x87)
 * and 1 (SSE) in the 512-byte legacy region, then the 64-byte header, then component i &ge; 2
 * at CPUID.(EAX=0DH,ECX=i).EBX in the standard form, or packed in XCOMP_BV order in the
 * compacted form (64-byte aligned where CPUID.(EAX=0DH,ECX=i).ECX[1] says so).
 */
final class XsaveLayout {
    static final int LEGACY_SIZE = 512;
    static final int HEADER = 512;
    static final int HEADER_SIZE = 64;
    static final int EXTENDED = LEGACY_SIZE + HEADER_SIZE;
    static final int MXCSR = 24, MXCSR_MASK = 28;
    /** x87 bytes of the legacy region besides MXCSR: FCW..FDP, then ST0-ST7 (SDM vol. 1, table 13-1). */
    static final int X87_CONTROL_END = 24, ST_START = 32, ST_END = 160;
    static final int XMM_START = 160, XMM_END = 416;
    static final int MAX_COMPONENT = 62;

    final int[] size = new int[MAX_COMPONENT + 1];
    final int[] standardOffset = new int[MAX_COMPONENT + 1];
    final boolean[] align64 = new boolean[MAX_COMPONENT + 1];

    /** Reads the geometry of the components in {@code mask} from the guest's CPUID. */
    XsaveLayout(CpuState cpu, long mask) {
        int[] r = new int[4];
        for (int i = 2; i <= MAX_COMPONENT; i++) {
            if ((mask & (1L << i)) == 0) continue;
            cpu.cpuid(0xD, i, r);
            size[i] = r[0];
            standardOffset[i] = r[1];
            align64[i] = (r[2] & 2) != 0;
        }
    }

    /** Offsets of the components of {@code xcompBv} in a compacted area (SDM vol. 1, 13.4.3). */
    int[] compactedOffsets(long xcompBv) {
        int[] offsets = new int[MAX_COMPONENT + 2];
        int location = EXTENDED;
        for (int i = 2; i <= MAX_COMPONENT; i++) {
            if ((xcompBv & (1L << i)) == 0) continue;
            if (align64[i]) location = (location + 63) & ~63;
            offsets[i] = location;
            location += size[i];
        }
        offsets[MAX_COMPONENT + 1] = location; // the area's size
        return offsets;
    }

    /** Size of a standard-form area holding the components of {@code mask}. */
    int standardSize(long mask) {
        int end = EXTENDED;
        for (int i = 2; i <= MAX_COMPONENT; i++) {
            if ((mask & (1L << i)) != 0) end = Math.max(end, standardOffset[i] + size[i]);
        }
        return end;
    }

    static int compactedSize(int[] offsets) {
        return offsets[MAX_COMPONENT + 1];
    }
}
