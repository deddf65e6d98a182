package dev.panavisor.vmm.vcpu.fallback;

/**
 * Carries out one family of instructions against the vCPU. All architectural checks come
 * before any change, so a {@link GuestFault} leaves state and memory as they were; the
 * caller advances RIP only after a normal return.
 */
interface Executor {
    void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused;
}
