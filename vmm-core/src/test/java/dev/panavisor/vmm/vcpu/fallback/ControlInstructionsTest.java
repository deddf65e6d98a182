package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static org.junit.jupiter.api.Assertions.*;

/** INT3, CLAC/STAC and the x87 control instructions, rule by rule. */
class ControlInstructionsTest {
    private static void gate(FakeCpu cpu, int vector, int dpl) {
        long gate = (1L << 47) | ((long) dpl << 45) | (0xEL << 40) | (0x18L << 16);
        cpu.ram.set(GuestMemory.U64_LE, cpu.idtBase + vector * 16L, gate);
    }

    @Test
    void int3IsATrapRaisingBpWithRipAfterTheInstruction_sdmVol3_6_5() throws Exception {
        FakeCpu cpu = new FakeCpu();
        gate(cpu, 3, 0);
        run(cpu, 0xCC);
        assertEquals(GuestFault.BP, cpu.raisedVector);
        assertEquals(GuestFault.NO_ERROR_CODE, cpu.raisedError);
        assertEquals(0x1001, cpu.rip);
    }

    @Test
    void int3AtCpl3ThroughADpl0GateRaisesGpWithTheIdtErrorCode_sdmVol3_6_12_1_1() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.cpl = 3;
        gate(cpu, 3, 0);
        run(cpu, 0xCC);
        assertEquals(GuestFault.GP, cpu.raisedVector);
        assertEquals(3 * 8 + 2, cpu.raisedError);
        assertEquals(0x1000, cpu.rip);
    }

    @Test
    void int3AtCpl3ThroughADpl3GateIsDelivered() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.cpl = 3;
        gate(cpu, 3, 3);
        run(cpu, 0xCC);
        assertEquals(GuestFault.BP, cpu.raisedVector);
    }

    @Test
    void int3BeyondTheIdtLimitRaisesGp_sdmVol3_6_10() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.idtLimit = 3 * 16 + 14;
        run(cpu, 0xCC);
        assertEquals(GuestFault.GP, cpu.raisedVector);
        assertEquals(3 * 8 + 2, cpu.raisedError);
    }

    @Test
    void int3InRealModeNeedsNoGateCheck() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.cr0 = 0x10;
        cpu.efer = 0;
        cpu.codeSize = 16;
        cpu.idtLimit = 0;
        cpu.rip = 0xFFFF;
        run(cpu, 0xCC);
        assertEquals(GuestFault.BP, cpu.raisedVector);
        assertEquals(0, cpu.rip, "IP wraps at 16 bits");
    }

    @Test
    void stacSetsAndClacClearsAc() throws Exception {
        FakeCpu cpu = new FakeCpu();
        run(cpu, 0x0F, 0x01, 0xCB);
        assertEquals(0x2 | CpuState.RFLAGS_AC, cpu.rflags);
        assertEquals(0x1003, cpu.rip);
        run(cpu, 0x0F, 0x01, 0xCA);
        assertEquals(0x2, cpu.rflags);
    }

    @Test
    void clacAtCpl3RaisesUd_sdmVol2Clac() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.cpl = 3;
        run(cpu, 0x0F, 0x01, 0xCA);
        assertEquals(GuestFault.UD, cpu.raisedVector);
        assertEquals(0x1000, cpu.rip);
    }

    @Test
    void stacWithoutSmapRaisesUd() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.clearFeature(7, 0, CpuFeatures.EBX, 20);
        run(cpu, 0x0F, 0x01, 0xCB);
        assertEquals(GuestFault.UD, cpu.raisedVector);
        assertEquals(0x2, cpu.rflags);
    }

    @Test
    void clacInRealModeOrWithAPrefixRaisesUd() throws Exception {
        FakeCpu real = new FakeCpu();
        real.cr0 = 0x10;
        real.efer = 0;
        real.codeSize = 16;
        run(real, 0x0F, 0x01, 0xCA);
        assertEquals(GuestFault.UD, real.raisedVector);
        FakeCpu prefixed = new FakeCpu();
        run(prefixed, 0x66, 0x0F, 0x01, 0xCA);
        assertEquals(GuestFault.UD, prefixed.raisedVector);
    }

    @Test
    void fninitLoadsTheInitialControlAndStatusWords_sdmVol1_8_1_5() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x0040);
        cpu.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) 0x38FF);
        cpu.image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, X87Control.FTW, (byte) 0xFF);
        cpu.image.set(GuestMemory.U64_LE, X87Control.FIP, 0x1234L);
        cpu.image.set(GuestMemory.U64_LE, 32, 0x5555L); // ST0 keeps its contents
        cpu.codeSize = 16;
        cpu.cr0 = 0x10;
        cpu.efer = 0;
        run(cpu, 0xDB, 0xE3);
        assertEquals(0x037F, cpu.image.get(GuestMemory.U16_LE, X87Control.FCW));
        assertEquals(0, cpu.image.get(GuestMemory.U16_LE, X87Control.FSW));
        assertEquals(0, cpu.image.get(java.lang.foreign.ValueLayout.JAVA_BYTE, X87Control.FTW));
        assertEquals(0, cpu.image.get(GuestMemory.U64_LE, X87Control.FIP));
        assertEquals(0x5555L, cpu.image.get(GuestMemory.U64_LE, 32));
        assertTrue(cpu.imageChanged);
        assertEquals(0x1002, cpu.rip);
    }

    @Test
    void fninitWithTsOrEmRaisesNm_sdmVol2Finit() throws Exception {
        FakeCpu ts = new FakeCpu();
        ts.cr0 |= CpuState.CR0_TS;
        run(ts, 0xDB, 0xE3);
        assertEquals(GuestFault.NM, ts.raisedVector);
        FakeCpu em = new FakeCpu();
        em.cr0 |= CpuState.CR0_EM;
        run(em, 0xDB, 0xE3);
        assertEquals(GuestFault.NM, em.raisedVector);
        assertFalse(em.imageChanged);
    }

    @Test
    void fwaitWithNothingPendingIsANoOp() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) 0x0001); // IE set but masked by FCW 0x37F
        run(cpu, 0x9B);
        assertEquals(-1, cpu.raisedVector);
        assertEquals(0x1001, cpu.rip);
        assertFalse(cpu.imageChanged);
    }

    @Test
    void fwaitWithAnUnmaskedPendingExceptionAndNeRaisesMf_sdmVol3_6_15_Interrupt16() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x037E); // IM clear
        cpu.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) 0x8081);
        run(cpu, 0x9B);
        assertEquals(GuestFault.MF, cpu.raisedVector);
        assertEquals(0x1000, cpu.rip, "#MF is a fault on the FWAIT");
    }

    @Test
    void fwaitWithNeClearDoesNotRaiseMf() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.cr0 &= ~CpuState.CR0_NE;
        cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x037E);
        cpu.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) 0x8081);
        run(cpu, 0x9B);
        assertEquals(-1, cpu.raisedVector);
    }

    @Test
    void fwaitRaisesNmOnlyWithMpAndTs_sdmVol2Wait() throws Exception {
        FakeCpu both = new FakeCpu();
        both.cr0 |= CpuState.CR0_TS | CpuState.CR0_MP;
        run(both, 0x9B);
        assertEquals(GuestFault.NM, both.raisedVector);
        FakeCpu tsOnly = new FakeCpu();
        tsOnly.cr0 = (tsOnly.cr0 | CpuState.CR0_TS) & ~CpuState.CR0_MP;
        run(tsOnly, 0x9B);
        assertEquals(-1, tsOnly.raisedVector);
    }

    @Test
    void fldcwUnmaskingAPendingExceptionSetsEsAndB_sdmVol1_8_5() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) 0x0004); // ZE pending, masked
        cpu.ram.set(GuestMemory.U16_LE, 0x3000, (short) 0x037B); // ZM clear
        cpu.gpr[Registers.RDI] = 0x3000;
        run(cpu, 0xD9, 0x2F);
        assertEquals(0x037B, cpu.image.get(GuestMemory.U16_LE, X87Control.FCW));
        assertEquals((short) 0x8084, cpu.image.get(GuestMemory.U16_LE, X87Control.FSW));
        run(cpu, 0x9B);
        assertEquals(GuestFault.MF, cpu.raisedVector);
    }

    @Test
    void fnstcwFnstswAndFnclex() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) 0xB8A1);
        cpu.gpr[Registers.RDI] = 0x3000;
        run(cpu, 0xD9, 0x3F);
        assertEquals(0x037F, cpu.ram.get(GuestMemory.U16_LE, 0x3000));
        run(cpu, 0xDD, 0x3F);
        assertEquals((short) 0xB8A1, cpu.ram.get(GuestMemory.U16_LE, 0x3000));
        cpu.gpr[Registers.RAX] = 0xFFFF_0000L;
        run(cpu, 0xDF, 0xE0);
        assertEquals(0xFFFF_B8A1L, cpu.gpr[Registers.RAX]);
        run(cpu, 0xDB, 0xE2);
        assertEquals(0x3800, cpu.image.get(GuestMemory.U16_LE, X87Control.FSW), "TOP and C3 stay; flags, SF, ES, B clear");
    }
}
