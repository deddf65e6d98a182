package dev.panavisor.vmm.cpu;

/**
 * Tells each vCPU who it is: one package of {@code count} cores, one thread per core, APIC ID
 * = vCPU index. KVM leaves these fields to userspace, and without them every vCPU claims to be
 * CPU 0 of a package whose size is the host's. References: Intel SDM vol. 2A, CPUID leaves 01H,
 * 04H, 0BH and 1FH; AMD APM vol. 3, CPUID Fn8000_0008 ECX.
 */
public final class CpuTopology {
    private CpuTopology() {}

    static final int LEVEL_SMT = 1;
    static final int LEVEL_CORE = 2;

    /** Bits of the APIC ID that number cores within the package. */
    static int coreIdBits(int count) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(count, 1) - 1);
    }

    public static void apply(Cpuid cpuid, int apicId, int count) {
        if (count < 1 || apicId < 0 || apicId >= count) throw new IllegalArgumentException("vCPU " + apicId + " of " + count);
        cpuid.find(0x1).ifPresent(e -> {
            // EBX[31:24] initial APIC ID, EBX[23:16] addressable logical processors; EDX[28] HTT says the latter is valid.
            int ebx = (e.ebx() & 0x0000FFFF) | (apicId << 24) | (Math.min(count, 255) << 16);
            e.ebx(ebx);
            e.setBits(CpuidEntry.Register.EDX, 1 << 28, count > 1 ? 1 << 28 : 0);
        });
        for (CpuidEntry e : cpuid.entries()) {
            if (e.function() == 0x4 && (e.eax() & 0x1F) != 0) {
                // EAX[31:26] cores per package - 1; EAX[25:14] logical processors sharing the cache - 1:
                // private caches (levels 1-2) serve one thread, the last level is shared by the package.
                int level = (e.eax() >>> 5) & 0x7;
                int sharing = level >= 3 ? Math.min(count, 4096) - 1 : 0;
                int eax = (e.eax() & 0x3FFF) | (sharing << 14) | ((Math.min(count, 64) - 1) << 26);
                e.eax(eax);
            }
        }
        int max = cpuid.maxBasicLeaf();
        if (max >= 0xB) extendedTopology(cpuid, 0xB, apicId, count);
        if (max >= 0x1F) extendedTopology(cpuid, 0x1F, apicId, count);
        cpuid.find(0x80000008).ifPresent(e -> {
            if (cpuid.vendor().equals("AuthenticAMD") || cpuid.vendor().equals("HygonGenuine")) {
                // ECX[15:12] ApicIdSize, ECX[7:0] NC = cores - 1.
                e.setBits(CpuidEntry.Register.ECX, 0xF0FF, (coreIdBits(count) << 12) | (count - 1));
            }
        });
    }

    /** Leaves 0BH/1FH: subleaf 0 the SMT level, 1 the core level, 2 the terminating invalid level. */
    private static void extendedTopology(Cpuid cpuid, int leaf, int apicId, int count) {
        cpuid.removeLeaf(leaf);
        int sig = CpuidEntry.FLAG_SIGNIFICANT_INDEX;
        cpuid.add(new CpuidEntry(leaf, 0, sig, 0, 1, (LEVEL_SMT << 8), apicId));
        cpuid.add(new CpuidEntry(leaf, 1, sig, coreIdBits(count), count, (LEVEL_CORE << 8) | 1, apicId));
        cpuid.add(new CpuidEntry(leaf, 2, sig, 0, 0, 2, apicId));
    }
}
