package dev.panavisor.vmm.cpu;

/** One CPUID leaf/subleaf as KVM's kvm_cpuid_entry2 holds it. Mutable: templates and topology edit it in place. */
public final class CpuidEntry {
    /** kvm_cpuid_entry2.flags: the subleaf (ECX input) selects the entry. */
    public static final int FLAG_SIGNIFICANT_INDEX = 1;

    public enum Register { EAX, EBX, ECX, EDX }

    private final int function;
    private final int index;
    private int flags;
    private final int[] regs = new int[4];

    public CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
        this.function = function;
        this.index = index;
        this.flags = flags;
        regs[0] = eax; regs[1] = ebx; regs[2] = ecx; regs[3] = edx;
    }

    public int function() { return function; }
    public int index() { return index; }
    public int flags() { return flags; }
    public int eax() { return regs[0]; }
    public int ebx() { return regs[1]; }
    public int ecx() { return regs[2]; }
    public int edx() { return regs[3]; }
    public int get(Register r) { return regs[r.ordinal()]; }

    public void set(Register r, int value) { regs[r.ordinal()] = value; }
    public void eax(int v) { regs[0] = v; }
    public void ebx(int v) { regs[1] = v; }
    public void ecx(int v) { regs[2] = v; }
    public void edx(int v) { regs[3] = v; }

    /** Replaces the bits of {@code r} selected by {@code mask} with those of {@code value}. */
    public void setBits(Register r, int mask, int value) {
        regs[r.ordinal()] = (regs[r.ordinal()] & ~mask) | (value & mask);
    }

    public boolean matches(int function, int index) {
        return this.function == function && ((flags & FLAG_SIGNIFICANT_INDEX) == 0 || this.index == index);
    }

    @Override
    public String toString() {
        return String.format("0x%08x.%d: eax=%08x ebx=%08x ecx=%08x edx=%08x", function, index, regs[0], regs[1], regs[2], regs[3]);
    }
}
