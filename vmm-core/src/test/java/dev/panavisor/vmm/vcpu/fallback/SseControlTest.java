package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LDMXCSR / STMXCSR (SDM vol. 2, LDMXCSR and STMXCSR pages). */
class SseControlTest {
    static FakeCpu sseCpu() {
        FakeCpu cpu = new FakeCpu();
        cpu.cpuid.get(1L << 32)[CpuFeatures.EDX] |= (1 << 24) | (1 << 25) | (1 << 26); // FXSR, SSE, SSE2
        return cpu;
    }

    @Test
    void ldmxcsrLoadsMxcsrFromMemory() throws Exception {
        FakeCpu cpu = sseCpu();
        cpu.ram.set(GuestMemory.U32_LE, 0x3000, 0x9FC0);
        cpu.gpr[Registers.RSI] = 0x3000;
        DecodedInstruction insn = run(cpu, 0x0F, 0xAE, 0x16); // ldmxcsr [rsi]
        assertEquals(InstructionKind.LDMXCSR, insn.kind());
        assertEquals(0x9FC0, cpu.image.get(GuestMemory.U32_LE, XsaveLayout.MXCSR));
        assertTrue(cpu.imageChanged);
        assertEquals(0x1003, cpu.rip);
        assertEquals(2L, cpu.image.get(GuestMemory.U64_LE, XsaveLayout.HEADER) & 2, "SSE state marked in use so KVM loads MXCSR");
    }

    @Test
    void ldmxcsrMarkingSseInUseZeroesStaleXmmBytes_sdmVol1_13_6_initialState() throws Exception {
        FakeCpu cpu = sseCpu();
        cpu.image.set(GuestMemory.U64_LE, XsaveLayout.XMM_START, -1L); // stale bytes while XSTATE_BV[1] = 0
        cpu.ram.set(GuestMemory.U32_LE, 0x3000, 0x1F80);
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0x0F, 0xAE, 0x16);
        assertEquals(0L, cpu.image.get(GuestMemory.U64_LE, XsaveLayout.XMM_START));
    }

    @Test
    void ldmxcsrSettingAReservedBitRaisesGp0() throws Exception {
        FakeCpu cpu = sseCpu();
        cpu.ram.set(GuestMemory.U32_LE, 0x3000, 0x1_1F80);
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0x0F, 0xAE, 0x16);
        assertEquals(GuestFault.GP, cpu.raisedVector);
        assertEquals(0, cpu.raisedError);
        assertEquals(0x1F80, cpu.image.get(GuestMemory.U32_LE, XsaveLayout.MXCSR));
        assertEquals(0x1000, cpu.rip, "a fault leaves RIP on the instruction");
    }

    @Test
    void ldmxcsrHonoursMxcsrMaskWithoutDaz_sdmVol1_11_6_6() throws Exception {
        FakeCpu cpu = sseCpu();
        cpu.image.set(GuestMemory.U32_LE, XsaveLayout.MXCSR_MASK, 0xFFBF);
        cpu.ram.set(GuestMemory.U32_LE, 0x3000, 0x1FC0); // DAZ
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0x0F, 0xAE, 0x16);
        assertEquals(GuestFault.GP, cpu.raisedVector);
    }

    @Test
    void stmxcsrStoresMxcsr() throws Exception {
        FakeCpu cpu = sseCpu();
        cpu.image.set(GuestMemory.U32_LE, XsaveLayout.MXCSR, 0x1F80);
        cpu.gpr[Registers.RDI] = 0x3004;
        DecodedInstruction insn = run(cpu, 0x0F, 0xAE, 0x1F); // stmxcsr [rdi]
        assertEquals(InstructionKind.STMXCSR, insn.kind());
        assertEquals(0x1F80, cpu.ram.get(GuestMemory.U32_LE, 0x3004));
    }

    @Test
    void sseControlRaisesUdWithEmOrWithoutOsfxsrOrSseAndNmWithTs() throws Exception {
        FakeCpu em = sseCpu();
        em.cr0 |= CpuState.CR0_EM;
        run(em, 0x0F, 0xAE, 0x1F);
        assertEquals(GuestFault.UD, em.raisedVector);

        FakeCpu noOsfxsr = sseCpu();
        noOsfxsr.cr4 &= ~CpuState.CR4_OSFXSR;
        run(noOsfxsr, 0x0F, 0xAE, 0x1F);
        assertEquals(GuestFault.UD, noOsfxsr.raisedVector);

        FakeCpu noSse = new FakeCpu();
        run(noSse, 0x0F, 0xAE, 0x1F);
        assertEquals(GuestFault.UD, noSse.raisedVector);

        FakeCpu ts = sseCpu();
        ts.cr0 |= CpuState.CR0_TS;
        run(ts, 0x0F, 0xAE, 0x1F);
        assertEquals(GuestFault.NM, ts.raisedVector);
    }

    @Test
    void ovmfSecLdmxcsrWithAbsoluteAddressDecodesIn32BitCode() throws Exception {
        // OVMF_CODE_4M.fd SecMain at 0xfffced66: ldmxcsr [0xfffced76]
        DecodedInstruction insn = InstructionDecoder.decode(InstructionDecoderTest.b(0x0F, 0xAE, 0x15, 0x76, 0xED, 0xFC, 0xFF, 0x5B), 8, 32);
        assertEquals(InstructionKind.LDMXCSR, insn.kind());
        assertEquals(7, insn.length());
        assertEquals(0xFFFCED76L, insn.memory().displacement() & 0xFFFF_FFFFL);
    }
}
