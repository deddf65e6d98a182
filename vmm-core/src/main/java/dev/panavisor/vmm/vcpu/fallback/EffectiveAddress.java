package dev.panavisor.vmm.vcpu.fallback;

/** Turns a decoded memory operand into a linear address (SDM vol. 1, 3.7.5; vol. 3, 3.4). */
public final class EffectiveAddress {
    private EffectiveAddress() {}

    /**
     * The linear address of {@code insn}'s memory operand. The offset wraps at the address
     * size; in 64-bit mode only FS and GS add a base and the result must be canonical
     * (SDM vol. 1, 3.3.7.1: #SS(0) for stack references, else #GP(0)). Segment limits are not
     * checked (the flat segments real guests use make them moot).
     */
    public static long linear(DecodedInstruction insn, CpuState cpu) throws GuestFault {
        MemoryOperand m = insn.memory();
        long offset = m.displacement();
        if (m.base() != MemoryOperand.NONE) offset += cpu.gpr(m.base());
        if (m.index() != MemoryOperand.NONE) offset += cpu.gpr(m.index()) * m.scale();
        if (m.ripRelative()) offset += cpu.rip() + insn.length();
        offset = truncate(offset, m.addressSize());
        if (insn.codeSize() == 64) {
            long linear = offset;
            if (m.segment() == Segment.FS || m.segment() == Segment.GS) linear += cpu.segmentBase(m.segment());
            if (!isCanonical(linear)) {
                if (m.segment() == Segment.SS) throw GuestFault.stackFault(String.format("non-canonical stack address 0x%x", linear));
                throw GuestFault.generalProtection(0, String.format("non-canonical address 0x%x", linear));
            }
            return linear;
        }
        return (cpu.segmentBase(m.segment()) + offset) & 0xFFFF_FFFFL;
    }

    static long truncate(long value, int bits) {
        return switch (bits) {
            case 16 -> value & 0xFFFF;
            case 32 -> value & 0xFFFF_FFFFL;
            default -> value;
        };
    }

    /** 48-bit canonical form: bits 63:47 all equal (SDM vol. 1, 3.3.7.1). */
    public static boolean isCanonical(long linear) {
        return (linear >> 47) == 0 || (linear >> 47) == -1;
    }
}
