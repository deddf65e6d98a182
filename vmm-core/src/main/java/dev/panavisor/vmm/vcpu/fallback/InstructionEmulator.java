package dev.panavisor.vmm.vcpu.fallback;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.HexFormat;

/**
 * Decodes and carries out one instruction KVM could not, against any {@link CpuState}.
 * Shared by all vCPUs of a VM (it holds the counters and the CMPXCHG16B lock); each call
 * brings its vCPU's state and memory view.
 */
public final class InstructionEmulator {
    private static final Logger LOG = LoggerFactory.getLogger(InstructionEmulator.class);

    private final EmulationStats stats = new EmulationStats();
    private final EnumMap<InstructionKind, Executor> executors = new EnumMap<>(InstructionKind.class);

    public InstructionEmulator() {
        Executor x87 = new X87Control();
        Executor smap = new SmapAccessControl();
        Executor xstate = new ExtendedState();
        Executor cmpxchg = new CompareExchangeBytes(new Object());
        executors.put(InstructionKind.INT3, new SoftwareBreakpoint());
        executors.put(InstructionKind.FWAIT, x87);
        executors.put(InstructionKind.FNINIT, x87);
        executors.put(InstructionKind.FNCLEX, x87);
        executors.put(InstructionKind.FLDCW, x87);
        executors.put(InstructionKind.FNSTCW, x87);
        executors.put(InstructionKind.FNSTSW, x87);
        Executor x87Operations = new X87Operations();
        for (InstructionKind k : InstructionKind.values()) if (k.isX87Operation()) executors.put(k, x87Operations);
        Executor x87Environment = new X87Environment();
        for (InstructionKind k : new InstructionKind[]{InstructionKind.FNSTENV, InstructionKind.FLDENV, InstructionKind.FNSAVE, InstructionKind.FRSTOR}) {
            executors.put(k, x87Environment);
        }
        Executor sse = new SseControl();
        executors.put(InstructionKind.LDMXCSR, sse);
        executors.put(InstructionKind.STMXCSR, sse);
        executors.put(InstructionKind.CLAC, smap);
        executors.put(InstructionKind.STAC, smap);
        executors.put(InstructionKind.POPCNT, new PopulationCount());
        for (InstructionKind k : InstructionKind.values()) if (k.isXsaveFamily()) executors.put(k, xstate);
        executors.put(InstructionKind.CMPXCHG8B, cmpxchg);
        executors.put(InstructionKind.CMPXCHG16B, cmpxchg);
        Executor sseInteger = new SseInteger();
        for (InstructionKind k : InstructionKind.values()) if (k.isSseInteger()) executors.put(k, sseInteger);
    }

    public EmulationStats stats() { return stats; }

    /**
     * Carries out the instruction in {@code bytes[0..available)} at the vCPU's RIP: on return
     * the vCPU may resume, either after the instruction or with an exception queued for the
     * guest. Throws when the VM must stop instead; the message says why.
     */
    public DecodedInstruction emulate(byte[] bytes, int available, CpuState cpu, LinearMemory memory) throws EmulationRefused {
        DecodedInstruction insn;
        try {
            insn = InstructionDecoder.decode(bytes, available, cpu.codeSize());
        } catch (DecodeException e) {
            stats.refused();
            throw new EmulationRefused(e.getMessage());
        }
        try {
            executors.get(insn.kind()).execute(insn, cpu, memory);
            cpu.setRip(nextRip(cpu, insn));
            stats.completed(insn.kind());
        } catch (GuestFault f) {
            if (f.vector() == GuestFault.PF) cpu.setCr2(f.faultAddress());
            cpu.raiseException(f.vector(), f.errorCode());
            stats.faulted(insn.kind());
            LOG.debug("{} raised {}: {}", insn, GuestFault.vectorName(f.vector()), f.getMessage());
        } catch (EmulationRefused r) {
            stats.refused();
            throw new EmulationRefused(insn + ": " + r.getMessage());
        }
        return insn;
    }

    /** RIP after the instruction; IP and EIP wrap at their width outside 64-bit mode. */
    private static long nextRip(CpuState cpu, DecodedInstruction insn) {
        return EffectiveAddress.truncate(cpu.rip() + insn.length(), insn.codeSize());
    }

    static String hex(byte[] bytes, int n) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(n, bytes.length));
    }
}
