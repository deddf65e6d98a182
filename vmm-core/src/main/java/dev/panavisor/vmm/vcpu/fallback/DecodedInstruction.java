package dev.panavisor.vmm.vcpu.fallback;

/**
 * One decoded instruction.
 *
 * @param kind          what it is
 * @param length        its length in bytes, prefixes included: RIP advances by this much
 * @param codeSize      16, 32 or 64: the mode it was decoded in
 * @param operandSize   16, 32 or 64 after 66h / REX.W
 * @param lock          an F0 prefix was present
 * @param repPrefix     0, 0xF2 or 0xF3: the last of those prefixes
 * @param operandSizePrefix a 66h prefix was present
 * @param reg           the ModRM reg field with REX.R, or -1 without ModRM
 * @param rmRegister    the ModRM r/m register with REX.B when mod = 11b, else -1
 * @param memory        the memory operand when mod != 11b, else null
 * @param x87Opcode     for the x87 escapes D8-DF, the 11 bits the FPU's last-opcode register (FOP)
 *                      takes from them: bits 2:0 of the escape byte, then the ModRM byte (SDM
 *                      vol. 1, 8.1.9, figure 8-8); 0 for every other instruction
 * @param immediate     the imm8 of the instructions that take one (PSHUFD, the shift-by-immediate
 *                      groups), zero-extended; 0 for the others
 */
public record DecodedInstruction(InstructionKind kind, int length, int codeSize, int operandSize, boolean lock,
                                 int repPrefix, boolean operandSizePrefix, int reg, int rmRegister,
                                 MemoryOperand memory, int x87Opcode, int immediate) {
    public boolean hasMemoryOperand() { return memory != null; }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (lock) b.append("lock ");
        b.append(kind.mnemonic().toLowerCase());
        if (kind == InstructionKind.POPCNT) {
            b.append(' ').append(Registers.name(reg, operandSize)).append(", ")
                    .append(memory != null ? memory.toString() : Registers.name(rmRegister, operandSize));
        } else if (kind == InstructionKind.FCOMI || kind == InstructionKind.FCOMIP
                || kind == InstructionKind.FUCOMI || kind == InstructionKind.FUCOMIP) {
            b.append(" st(0), st(").append(rmRegister & 7).append(')');
        } else if (kind.isSseInteger()) {
            boolean gprOperand = kind == InstructionKind.MOVD_TO_XMM || kind == InstructionKind.MOVD_FROM_XMM;
            String rm = memory != null ? memory.toString() : gprOperand ? Registers.name(rmRegister, operandSize) : "xmm" + rmRegister;
            boolean shiftGroup = reg < 0;
            if (shiftGroup) b.append(' ').append(rm);
            else if (kind == InstructionKind.MOVD_FROM_XMM || kind == InstructionKind.MOVQ_STORE) b.append(' ').append(rm).append(", xmm").append(reg);
            else b.append(" xmm").append(reg).append(", ").append(rm);
            if (shiftGroup || kind == InstructionKind.PSHUFD || kind == InstructionKind.PSHUFHW || kind == InstructionKind.PSHUFLW) {
                b.append(", 0x").append(Integer.toHexString(immediate));
            }
        } else if (kind.isX87Operation() && memory == null) {
            int i = rmRegister & 7;
            b.setLength(b.length() - kind.mnemonic().length());
            b.append(kind.mnemonic().toLowerCase().replace("st(i)", "st(" + i + ")"));
        } else if (memory != null) {
            b.append(' ').append(memory);
        } else if (rmRegister >= 0) {
            b.append(' ').append(Registers.name(rmRegister, kind == InstructionKind.FNSTSW ? 16 : operandSize));
        }
        return b.append(" (").append(length).append(" bytes, ").append(codeSize).append("-bit code)").toString();
    }
}
