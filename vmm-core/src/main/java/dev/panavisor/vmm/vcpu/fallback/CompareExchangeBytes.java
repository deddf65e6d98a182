package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;

import java.lang.foreign.MemorySegment;

/**
 * CMPXCHG8B m64 and CMPXCHG16B m128 (SDM vol. 2, CMPXCHG8B/CMPXCHG16B): compare EDX:EAX
 * (RDX:RAX) with the memory operand; if equal set ZF and store ECX:EBX (RCX:RBX), else clear
 * ZF and load the operand into EDX:EAX (RDX:RAX). Other flags are unchanged. #UD for a
 * register operand or, for CMPXCHG16B, without CPUID.01H:ECX.CMPXCHG16B; CMPXCHG16B needs
 * a 16-byte aligned operand, else #GP(0).
 *
 * <p>Atomicity (docs/instruction-fallback.md): an aligned CMPXCHG8B is one 8-byte
 * compare-and-exchange on the host, as atomic as the guest's own. Java has no 16-byte
 * compare-and-exchange, so CMPXCHG16B compares-and-exchanges its two quadwords one after
 * the other under a VM-wide lock, rolling the low one back if the high one changed
 * meanwhile. Every emulated CMPXCHG16B of the VM is therefore atomic with respect to every
 * other one and to any single store; a plain load on another vCPU can see the low quadword
 * already replaced while the high one is not yet.
 */
final class CompareExchangeBytes implements Executor {
    private final Object wideLock;

    CompareExchangeBytes(Object wideLock) {
        this.wideLock = wideLock;
    }

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        boolean wide = insn.kind() == InstructionKind.CMPXCHG16B;
        String name = insn.kind().mnemonic();
        if (!insn.hasMemoryOperand()) throw GuestFault.undefinedOpcode(name + " with a register operand");
        if (wide && !CpuFeatures.cmpxchg16b(cpu)) throw GuestFault.undefinedOpcode("CMPXCHG16B without CPUID.01H:ECX.CX16");
        long linear = EffectiveAddress.linear(insn, cpu);
        if (wide) {
            if ((linear & 15) != 0) throw GuestFault.generalProtection(0, String.format("CMPXCHG16B operand 0x%x not 16-byte aligned", linear));
            exchange16(cpu, memory, linear);
        } else {
            exchange8(cpu, memory, linear);
        }
    }

    private static void exchange8(CpuState cpu, LinearMemory memory, long linear) throws GuestFault, EmulationRefused {
        long expected = (cpu.gpr(Registers.RDX) << 32) | (cpu.gpr(Registers.RAX) & 0xFFFF_FFFFL);
        long replacement = (cpu.gpr(Registers.RCX) << 32) | (cpu.gpr(Registers.RBX) & 0xFFFF_FFFFL);
        MemorySegment q = memory.alignedQuadword(linear);
        long found;
        if (q != null) {
            found = LinearMemory.compareAndExchange(q, expected, replacement);
        } else {
            // A split operand: no host atomic covers it; see the class comment.
            memory.check(linear, 8, true);
            found = memory.readLong(linear, 8);
            if (found == expected) writeLong(memory, linear, replacement);
        }
        finish(cpu, found == expected, found & 0xFFFF_FFFFL, found >>> 32);
    }

    private void exchange16(CpuState cpu, LinearMemory memory, long linear) throws GuestFault, EmulationRefused {
        long expectLow = cpu.gpr(Registers.RAX), expectHigh = cpu.gpr(Registers.RDX);
        long newLow = cpu.gpr(Registers.RBX), newHigh = cpu.gpr(Registers.RCX);
        MemorySegment low = memory.alignedQuadword(linear);
        MemorySegment high = memory.alignedQuadword(linear + 8);
        long foundLow, foundHigh;
        boolean equal;
        synchronized (wideLock) {
            foundLow = LinearMemory.loadVolatile(low);
            foundHigh = LinearMemory.loadVolatile(high);
            equal = foundLow == expectLow && foundHigh == expectHigh;
            if (equal) {
                foundLow = LinearMemory.compareAndExchange(low, expectLow, newLow);
                if (foundLow != expectLow) {
                    equal = false;
                } else {
                    foundHigh = LinearMemory.compareAndExchange(high, expectHigh, newHigh);
                    if (foundHigh != expectHigh) {
                        equal = false;
                        LinearMemory.compareAndExchange(low, newLow, expectLow);
                    }
                }
            }
        }
        finish(cpu, equal, foundLow, foundHigh);
    }

    private static void writeLong(LinearMemory memory, long linear, long value) throws GuestFault, EmulationRefused {
        MemorySegment buf = MemorySegment.ofArray(new byte[8]);
        buf.set(GuestMemory.U64_LE, 0, value);
        memory.write(linear, buf, 0, 8);
    }

    private static void finish(CpuState cpu, boolean equal, long low, long high) {
        long flags = cpu.rflags();
        if (equal) {
            cpu.setRflags(flags | CpuState.RFLAGS_ZF);
        } else {
            cpu.setRflags(flags & ~CpuState.RFLAGS_ZF);
            cpu.setGpr(Registers.RAX, low);
            cpu.setGpr(Registers.RDX, high);
        }
    }
}
