package dev.panavisor.vmm.vcpu.fallback;

/** CPUID feature bits the executors check (SDM vol. 2, CPUID). */
final class CpuFeatures {
    private CpuFeatures() {}

    static boolean has(CpuState cpu, int leaf, int subleaf, int register, int bit) {
        int[] r = new int[4];
        cpu.cpuid(leaf, subleaf, r);
        return (r[register] & (1 << bit)) != 0;
    }

    static final int EAX = 0, EBX = 1, ECX = 2, EDX = 3;

    static boolean sse(CpuState cpu) { return has(cpu, 1, 0, EDX, 25); }
    static boolean sse2(CpuState cpu) { return has(cpu, 1, 0, EDX, 26); }
    static boolean ssse3(CpuState cpu) { return has(cpu, 1, 0, ECX, 9); }
    static boolean fxsr(CpuState cpu) { return has(cpu, 1, 0, EDX, 24); }
    static boolean popcnt(CpuState cpu) { return has(cpu, 1, 0, ECX, 23); }
    static boolean cmpxchg16b(CpuState cpu) { return has(cpu, 1, 0, ECX, 13); }
    static boolean xsave(CpuState cpu) { return has(cpu, 1, 0, ECX, 26); }
    static boolean smap(CpuState cpu) { return has(cpu, 7, 0, EBX, 20); }
    static boolean xsaveopt(CpuState cpu) { return has(cpu, 0xD, 1, EAX, 0); }
    static boolean xsavec(CpuState cpu) { return has(cpu, 0xD, 1, EAX, 1); }
    static boolean xsaves(CpuState cpu) { return has(cpu, 0xD, 1, EAX, 3); }
}
