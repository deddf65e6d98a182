package dev.panavisor.vmm.vcpu.fallback;

/**
 * A ModRM/SIB memory operand before address computation.
 *
 * @param segment      the segment the access uses (override or the architectural default)
 * @param base         base register number 0-15, or -1
 * @param index        index register number 0-15, or -1
 * @param scale        1, 2, 4 or 8
 * @param displacement sign-extended displacement
 * @param ripRelative  64-bit mode disp32 with no base: relative to the next instruction's RIP
 * @param addressSize  16, 32 or 64: the width the effective address wraps at
 */
public record MemoryOperand(Segment segment, int base, int index, int scale, long displacement,
                            boolean ripRelative, int addressSize) {
    public static final int NONE = -1;

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(segment.name().toLowerCase()).append(":[");
        String sep = "";
        if (ripRelative) { b.append("rip"); sep = "+"; }
        if (base != NONE) { b.append(Registers.name(base, addressSize)); sep = "+"; }
        if (index != NONE) { b.append(sep).append(Registers.name(index, addressSize)).append('*').append(scale); sep = "+"; }
        if (displacement != 0 || sep.isEmpty()) {
            b.append(displacement < 0 && !sep.isEmpty() ? "-" : sep).append("0x")
                    .append(Long.toHexString(displacement < 0 && !sep.isEmpty() ? -displacement : displacement));
        }
        return b.append(']').toString();
    }
}
