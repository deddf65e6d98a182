package dev.panavisor.vmm.cpu;

/**
 * One edit of a template: in leaf {@code function} (every subleaf when {@code index} is
 * {@link #ANY_INDEX}), replace the {@code mask} bits of {@code register} with {@code value}'s.
 */
public record CpuidRule(int function, int index, CpuidEntry.Register register, int mask, int value) {
    public static final int ANY_INDEX = -1;

    public static CpuidRule clearBits(int function, CpuidEntry.Register register, int bits) {
        return new CpuidRule(function, ANY_INDEX, register, bits, 0);
    }

    public static CpuidRule set(int function, CpuidEntry.Register register, int value) {
        return new CpuidRule(function, ANY_INDEX, register, -1, value);
    }

    void applyTo(Cpuid cpuid) {
        for (CpuidEntry e : cpuid.entries()) {
            if (e.function() == function && (index == ANY_INDEX || e.index() == index)) e.setBits(register, mask, value);
        }
    }
}
