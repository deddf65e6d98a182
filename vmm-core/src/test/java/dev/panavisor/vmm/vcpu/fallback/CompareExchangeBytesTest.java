package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static org.junit.jupiter.api.Assertions.*;

/** SDM vol. 2, CMPXCHG8B/CMPXCHG16B. */
class CompareExchangeBytesTest {
    private static final int[] LOCK_CMPXCHG16B_RDI = {0xF0, 0x48, 0x0F, 0xC7, 0x0F};
    private static final int[] LOCK_CMPXCHG8B_RDI = {0xF0, 0x0F, 0xC7, 0x0F};

    private static FakeCpu cpu(long memLow, long memHigh, long rax, long rdx, long rbx, long rcx) {
        FakeCpu cpu = new FakeCpu();
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, memLow);
        cpu.ram.set(GuestMemory.U64_LE, 0x3008, memHigh);
        cpu.gpr[Registers.RDI] = 0x3000;
        cpu.gpr[Registers.RAX] = rax;
        cpu.gpr[Registers.RDX] = rdx;
        cpu.gpr[Registers.RBX] = rbx;
        cpu.gpr[Registers.RCX] = rcx;
        return cpu;
    }

    @Test
    void equalOperandIsReplacedAndZfSet() throws Exception {
        FakeCpu cpu = cpu(1, 2, 1, 2, 5, 6);
        run(cpu, LOCK_CMPXCHG16B_RDI);
        assertEquals(5, cpu.ram.get(GuestMemory.U64_LE, 0x3000));
        assertEquals(6, cpu.ram.get(GuestMemory.U64_LE, 0x3008));
        assertTrue((cpu.rflags & CpuState.RFLAGS_ZF) != 0);
        assertEquals(1, cpu.gpr[Registers.RAX], "RDX:RAX unchanged on success");
        assertEquals(0x1005, cpu.rip);
    }

    @Test
    void differentOperandIsLoadedIntoRdxRaxAndZfCleared() throws Exception {
        FakeCpu cpu = cpu(7, 8, 1, 2, 5, 6);
        cpu.rflags |= CpuState.RFLAGS_ZF | CpuState.RFLAGS_CF;
        run(cpu, LOCK_CMPXCHG16B_RDI);
        assertEquals(7, cpu.ram.get(GuestMemory.U64_LE, 0x3000));
        assertEquals(8, cpu.ram.get(GuestMemory.U64_LE, 0x3008));
        assertEquals(7, cpu.gpr[Registers.RAX]);
        assertEquals(8, cpu.gpr[Registers.RDX]);
        assertEquals(0x2 | CpuState.RFLAGS_CF, cpu.rflags, "only ZF changes");
    }

    @Test
    void misalignedCmpxchg16bRaisesGp0() throws Exception {
        FakeCpu cpu = cpu(1, 2, 1, 2, 5, 6);
        cpu.gpr[Registers.RDI] = 0x3008;
        run(cpu, LOCK_CMPXCHG16B_RDI);
        assertEquals(GuestFault.GP, cpu.raisedVector);
        assertEquals(0, cpu.raisedError);
        assertEquals(0x1000, cpu.rip);
    }

    @Test
    void cmpxchg16bWithoutCx16RaisesUd() throws Exception {
        FakeCpu cpu = cpu(1, 2, 1, 2, 5, 6);
        cpu.clearFeature(1, 0, CpuFeatures.ECX, 13);
        run(cpu, LOCK_CMPXCHG16B_RDI);
        assertEquals(GuestFault.UD, cpu.raisedVector);
    }

    @Test
    void registerOperandRaisesUd() throws Exception {
        FakeCpu cpu = cpu(1, 2, 1, 2, 5, 6);
        run(cpu, 0x0F, 0xC7, 0xC9);
        assertEquals(GuestFault.UD, cpu.raisedVector);
    }

    @Test
    void unmappedOperandFaultsAsAWrite_sdmVol2Cmpxchg() throws Exception {
        FakeCpu cpu = cpu(1, 2, 7, 7, 5, 6);
        cpu.unmappedPages.add(0x3000L);
        run(cpu, LOCK_CMPXCHG16B_RDI);
        assertEquals(GuestFault.PF, cpu.raisedVector);
        assertEquals(2, cpu.raisedError, "write, supervisor, not present");
    }

    @Test
    void cmpxchg8bComparesEdxEax() throws Exception {
        FakeCpu cpu = cpu(0x0000_0002_0000_0001L, 0, 1, 2, 5, 6);
        run(cpu, LOCK_CMPXCHG8B_RDI);
        assertEquals(0x0000_0006_0000_0005L, cpu.ram.get(GuestMemory.U64_LE, 0x3000));
        assertTrue((cpu.rflags & CpuState.RFLAGS_ZF) != 0);
        FakeCpu miss = cpu(0x0000_0009_0000_0008L, 0, 1, 2, 5, 6);
        miss.gpr[Registers.RAX] = 0xFFFF_FFFF_0000_0001L;
        run(miss, LOCK_CMPXCHG8B_RDI);
        assertEquals(8, miss.gpr[Registers.RAX], "a 32-bit register write zero-extends");
        assertEquals(9, miss.gpr[Registers.RDX]);
    }

    @Test
    void cmpxchg8bNeedsNoAlignment() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.ram.set(GuestMemory.U64_LE, 0x3003, 0x0000_0002_0000_0001L);
        cpu.gpr[Registers.RDI] = 0x3003;
        cpu.gpr[Registers.RAX] = 1;
        cpu.gpr[Registers.RDX] = 2;
        cpu.gpr[Registers.RBX] = 3;
        run(cpu, LOCK_CMPXCHG8B_RDI);
        assertEquals(3, cpu.ram.get(GuestMemory.U64_LE, 0x3003));
    }

    @Property(tries = 300)
    void cmpxchg16bBehavesLikeItsSdmPseudocode(@ForAll long memLow, @ForAll long memHigh, @ForAll boolean match,
                                                @ForAll long rax, @ForAll long rdx, @ForAll long rbx, @ForAll long rcx) throws Exception {
        long expectLow = match ? memLow : rax, expectHigh = match ? memHigh : rdx;
        boolean equal = expectLow == memLow && expectHigh == memHigh;
        FakeCpu cpu = cpu(memLow, memHigh, expectLow, expectHigh, rbx, rcx);
        run(cpu, LOCK_CMPXCHG16B_RDI);
        assertEquals(equal, (cpu.rflags & CpuState.RFLAGS_ZF) != 0);
        assertEquals(equal ? rbx : memLow, cpu.ram.get(GuestMemory.U64_LE, 0x3000));
        assertEquals(equal ? rcx : memHigh, cpu.ram.get(GuestMemory.U64_LE, 0x3008));
        assertEquals(equal ? expectLow : memLow, cpu.gpr[Registers.RAX]);
        assertEquals(equal ? expectHigh : memHigh, cpu.gpr[Registers.RDX]);
    }

    /** Two "vCPUs" incrementing a 128-bit counter with CAS loops: no update may be lost. */
    @Test
    void concurrentCmpxchg16bLoopsLoseNoUpdate() throws Exception {
        FakeCpu shared = new FakeCpu();
        InstructionEmulator emulator = new InstructionEmulator();
        int perThread = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        Future<?>[] f = new Future<?>[2];
        for (int t = 0; t < 2; t++) {
            f[t] = pool.submit(() -> {
                FakeCpu cpu = new FakeCpu();
                LinearMemory mem = new LinearMemory(shared.memory, cpu);
                byte[] insn = InstructionDecoderTest.b(LOCK_CMPXCHG16B_RDI);
                start.await();
                for (int i = 0; i < perThread; i++) {
                    cpu.gpr[Registers.RDI] = 0x3000;
                    cpu.gpr[Registers.RAX] = shared.ram.get(GuestMemory.U64_LE, 0x3000);
                    cpu.gpr[Registers.RDX] = shared.ram.get(GuestMemory.U64_LE, 0x3008);
                    do {
                        cpu.gpr[Registers.RBX] = cpu.gpr[Registers.RAX] + 1;
                        cpu.gpr[Registers.RCX] = cpu.gpr[Registers.RDX] + 1;
                        emulator.emulate(insn, insn.length, cpu, mem);
                    } while ((cpu.rflags & CpuState.RFLAGS_ZF) == 0);
                }
                return null;
            });
        }
        start.countDown();
        for (Future<?> x : f) x.get();
        pool.shutdown();
        assertEquals(2 * perThread, shared.ram.get(GuestMemory.U64_LE, 0x3000));
        assertEquals(2 * perThread, shared.ram.get(GuestMemory.U64_LE, 0x3008));
    }
}
