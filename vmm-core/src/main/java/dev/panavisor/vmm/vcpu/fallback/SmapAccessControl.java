package dev.panavisor.vmm.vcpu.fallback;

/**
 * CLAC/STAC (SDM vol. 2): clear or set RFLAGS.AC. #UD with a LOCK prefix, in real and
 * virtual-8086 mode, at CPL &gt; 0, or when CPUID.(EAX=07H,ECX=0):EBX.SMAP[bit 20] is 0.
 * The encodings are NP: a 66, F2 or F3 prefix makes them undefined.
 */
final class SmapAccessControl implements Executor {
    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault {
        String name = insn.kind().mnemonic();
        if (insn.lock() || insn.repPrefix() != 0 || insn.operandSizePrefix()) throw GuestFault.undefinedOpcode(name + " with a prefix");
        if (cpu.realMode() || cpu.virtual8086()) throw GuestFault.undefinedOpcode(name + " outside protected mode");
        if (cpu.cpl() > 0) throw GuestFault.undefinedOpcode(name + " at CPL " + cpu.cpl());
        if (!CpuFeatures.smap(cpu)) throw GuestFault.undefinedOpcode(name + " without SMAP in CPUID");
        long rflags = cpu.rflags();
        cpu.setRflags(insn.kind() == InstructionKind.STAC ? rflags | CpuState.RFLAGS_AC : rflags & ~CpuState.RFLAGS_AC);
    }
}
