package dev.panavisor.vmm.vcpu.fallback;

/**
 * INT3 (SDM vol. 2, INT n/INTO/INT3/INT1; vol. 3, 6.12.1.1): a trap, so #BP is delivered with
 * RIP after the instruction. Outside real mode the gate's DPL must allow the CPL, else
 * #GP(vector*8+2); the IDT entry must lie within the IDT limit, else the same #GP.
 * Delivery itself (gate type, present bit, stack switch) is KVM's, through event injection.
 */
final class SoftwareBreakpoint implements Executor {
    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        if (!cpu.realMode()) {
            int entrySize = cpu.longMode() ? 16 : 8;
            int errorCode = GuestFault.BP * 8 + 2; // IDT bit set, EXT clear
            long entry = (long) GuestFault.BP * entrySize;
            if (entry + entrySize - 1 > Integer.toUnsignedLong(cpu.idtLimit())) {
                throw GuestFault.generalProtection(errorCode, "#BP gate lies beyond the IDT limit");
            }
            long gateLow = memory.readLong(cpu.idtBase() + entry, 8);
            int dpl = (int) (gateLow >>> 45) & 3;
            if (cpu.cpl() > dpl) {
                throw GuestFault.generalProtection(errorCode, "INT3 at CPL " + cpu.cpl() + " through a DPL " + dpl + " gate");
            }
        }
        cpu.raiseException(GuestFault.BP, GuestFault.NO_ERROR_CODE);
    }
}
