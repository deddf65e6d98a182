package dev.panavisor.vmm.vcpu.fallback;

/**
 * POPCNT r, r/m (SDM vol. 2): the number of set bits of the 16/32/64-bit source.
 * ZF = (source == 0); OF, SF, AF, CF, PF cleared. #UD with LOCK or without CPUID.01H:ECX.POPCNT.
 * A 32-bit destination is zero-extended to 64 bits; a 16-bit one keeps bits 63:16.
 */
final class PopulationCount implements Executor {
    private static final long ARITHMETIC_FLAGS = CpuState.RFLAGS_CF | CpuState.RFLAGS_PF | CpuState.RFLAGS_AF
            | CpuState.RFLAGS_ZF | CpuState.RFLAGS_SF | CpuState.RFLAGS_OF;

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        if (insn.lock()) throw GuestFault.undefinedOpcode("POPCNT with LOCK");
        if (!CpuFeatures.popcnt(cpu)) throw GuestFault.undefinedOpcode("POPCNT without CPUID.01H:ECX.POPCNT");
        int size = insn.operandSize();
        long source = insn.hasMemoryOperand()
                ? memory.readLong(EffectiveAddress.linear(insn, cpu), size / 8)
                : EffectiveAddress.truncate(cpu.gpr(insn.rmRegister()), size);
        long count = Long.bitCount(EffectiveAddress.truncate(source, size));
        int dest = insn.reg();
        cpu.setGpr(dest, size == 16 ? (cpu.gpr(dest) & ~0xFFFFL) | count : count);
        long flags = cpu.rflags() & ~ARITHMETIC_FLAGS;
        if (count == 0) flags |= CpuState.RFLAGS_ZF;
        cpu.setRflags(flags);
    }
}
