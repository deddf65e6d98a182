package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory CPU for executor tests: plain fields, 1 MiB of guest RAM at GPA 0 (native,
 * so atomic accesses work), identity paging with optional unmapped pages, and a CPUID
 * table with the features the tests switch on and off.
 */
final class FakeCpu implements CpuState {
    final long[] gpr = new long[16];
    long rip = 0x1000, rflags = 0x2, cr0 = CR0_PE | CR0_PG | CR0_NE | CR0_MP, cr2, cr4 = CR4_OSXSAVE | CR4_OSFXSR, efer = EFER_LMA;
    int cpl, codeSize = 64;
    long idtBase = 0x8000;
    int idtLimit = 32 * 16 - 1;
    long xcr0 = 0x7, xss;
    final Map<Long, int[]> cpuid = new HashMap<>();
    final java.util.Set<Long> unmappedPages = new java.util.HashSet<>();
    final Map<Segment, Long> bases = new HashMap<>();
    final MemorySegment image;
    boolean imageChanged;
    int raisedVector = -1, raisedError = Integer.MIN_VALUE;
    final GuestMemory memory;
    final MemorySegment ram;

    FakeCpu() {
        Arena arena = Arena.ofAuto();
        ram = arena.allocate(1 << 20, 4096);
        memory = new GuestMemory(List.of(new GuestRegion("ram", 0, ram, false, -1)));
        image = arena.allocate(4096, 64);
        image.set(GuestMemory.U16_LE, 0, (short) 0x37F);
        image.set(GuestMemory.U32_LE, 24, 0x1F80);
        image.set(GuestMemory.U32_LE, 28, 0xFFFF);
        // A Skylake-like CPU: POPCNT, CX16, XSAVE, SMAP, XSAVEOPT/XSAVEC, AVX at 576 (256 bytes).
        cpuid(1, 0, 0, 0, (1 << 23) | (1 << 13) | (1 << 26), 0);
        cpuid(7, 0, 0, 1 << 20, 0, 0);
        cpuid(0xD, 1, 0b011, 0, 0, 0);
        cpuid(0xD, 2, 256, 576, 0, 0);
        // A made-up 64-byte-aligned component 5 of 64 bytes at 1088, to exercise compaction.
        cpuid(0xD, 5, 64, 1088, 2, 0);
    }

    void cpuid(int leaf, int sub, int eax, int ebx, int ecx, int edx) {
        cpuid.put(((long) leaf << 32) | sub, new int[]{eax, ebx, ecx, edx});
    }

    void clearFeature(int leaf, int sub, int reg, int bit) {
        cpuid.get(((long) leaf << 32) | sub)[reg] &= ~(1 << bit);
    }

    LinearMemory linearMemory() { return new LinearMemory(memory, this); }

    @Override public long gpr(int reg) { return gpr[reg]; }
    @Override public void setGpr(int reg, long value) { gpr[reg] = value; }
    @Override public long rip() { return rip; }
    @Override public void setRip(long rip) { this.rip = rip; }
    @Override public long rflags() { return rflags; }
    @Override public void setRflags(long rflags) { this.rflags = rflags; }
    @Override public long cr0() { return cr0; }
    @Override public long cr4() { return cr4; }
    @Override public long efer() { return efer; }
    @Override public int cpl() { return cpl; }
    @Override public int codeSize() { return codeSize; }
    @Override public long segmentBase(Segment s) { return bases.getOrDefault(s, 0L); }
    @Override public long idtBase() { return idtBase; }
    @Override public int idtLimit() { return idtLimit; }
    @Override public long xcr0() { return xcr0; }
    @Override public long xss() { return xss; }

    @Override
    public void cpuid(int leaf, int subleaf, int[] out) {
        int[] v = cpuid.getOrDefault(((long) leaf << 32) | subleaf, new int[4]);
        System.arraycopy(v, 0, out, 0, 4);
    }

    @Override
    public long translate(long linear, boolean write) throws GuestFault {
        // SDM vol. 3, 4.7: P=0 (not present), W/R, U/S from the access and CPL.
        if (unmappedPages.contains(linear & ~0xFFFL)) throw GuestFault.pageFault(linear, (write ? 2 : 0) | (cpl() == 3 ? 4 : 0));
        return linear;
    }

    @Override public MemorySegment xsaveImage() { return image; }
    @Override public void xsaveImageChanged() { imageChanged = true; }

    @Override
    public void raiseException(int vector, int errorCode) {
        raisedVector = vector;
        raisedError = errorCode;
    }

    @Override public void setCr2(long cr2) { this.cr2 = cr2; }
}
