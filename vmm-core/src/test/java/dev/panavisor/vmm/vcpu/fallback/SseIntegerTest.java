package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SSE2/SSSE3 integer instructions (SDM vol. 2, each instruction's page; vol. 1, 11.4). */
class SseIntegerTest {
    static FakeCpu cpu() {
        FakeCpu cpu = SseControlTest.sseCpu();
        cpu.cpuid.get(1L << 32)[CpuFeatures.ECX] |= 1 << 9; // SSSE3
        cpu.image.set(GuestMemory.U64_LE, XsaveLayout.HEADER, 3); // x87 and SSE in use
        return cpu;
    }

    static void xmm(FakeCpu cpu, int n, long lo, long hi) {
        cpu.image.set(GuestMemory.U64_LE, XsaveLayout.XMM_START + 16L * n, lo);
        cpu.image.set(GuestMemory.U64_LE, XsaveLayout.XMM_START + 16L * n + 8, hi);
    }

    static void assertXmm(FakeCpu cpu, int n, long expectedLo, long expectedHi) {
        assertEquals(expectedLo, lo(cpu, n), "xmm" + n + " bits 63:0");
        assertEquals(expectedHi, hi(cpu, n), "xmm" + n + " bits 127:64");
    }

    static long lo(FakeCpu cpu, int n) { return cpu.image.get(GuestMemory.U64_LE, XsaveLayout.XMM_START + 16L * n); }
    static long hi(FakeCpu cpu, int n) { return cpu.image.get(GuestMemory.U64_LE, XsaveLayout.XMM_START + 16L * n + 8); }

    @Test
    void padddWrapsEachDwordOnItsOwn() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 0, 0xFFFF_FFFF_0000_0001L, 0x7FFF_FFFF_8000_0000L);
        xmm(cpu, 1, 0x0000_0001_FFFF_FFFFL, 0x0000_0001_8000_0000L);
        DecodedInstruction insn = run(cpu, 0x66, 0x0F, 0xFE, 0xC1); // paddd xmm0, xmm1
        assertEquals(InstructionKind.PADDD, insn.kind());
        assertEquals(0x0000_0000_0000_0000L, lo(cpu, 0), "no carry crosses a lane");
        assertEquals(0x8000_0000_0000_0000L, hi(cpu, 0));
        assertTrue(cpu.imageChanged);
        assertEquals(0x1004, cpu.rip);
    }

    @Test
    void paddqAndPsubbAndPsubq() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 2, 0xFFFF_FFFF_FFFF_FFFFL, 1);
        xmm(cpu, 3, 1, 2);
        run(cpu, 0x66, 0x0F, 0xD4, 0xD3); // paddq xmm2, xmm3
        assertXmm(cpu, 2, 0L, 3L);
        xmm(cpu, 4, 0x0000_0000_0000_0000L, 5);
        xmm(cpu, 5, 0x0101_0101_0101_0101L, 6);
        run(cpu, 0x66, 0x0F, 0xF8, 0xE5); // psubb xmm4, xmm5
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, lo(cpu, 4), "each byte borrows on its own");
        assertEquals(0xFFL, hi(cpu, 4), "5 - 6 = 0xFF in the low byte, other bytes 0 - 0");
        xmm(cpu, 6, 0, 0);
        xmm(cpu, 7, 1, 0);
        run(cpu, 0x66, 0x0F, 0xFB, 0xF7); // psubq xmm6, xmm7
        assertXmm(cpu, 6, -1L, 0L);
    }

    @Test
    void logicalOperationsIncludingPandnWhichInvertsTheDestination() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 0, 0xF0F0L, 0x1L);
        xmm(cpu, 1, 0xFF00L, 0x3L);
        run(cpu, 0x66, 0x0F, 0xDF, 0xC1); // pandn xmm0, xmm1: ~xmm0 & xmm1
        assertXmm(cpu, 0, 0x0F00L, 0x2L);
        run(cpu, 0x66, 0x0F, 0xEF, 0xC0); // pxor xmm0, xmm0
        assertXmm(cpu, 0, 0L, 0L);
    }

    @Test
    void pcmpeqSetsWholeLanes() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 0, 0x0000_0001_0000_0002L, 7);
        xmm(cpu, 1, 0x0000_0001_0000_0003L, 7);
        run(cpu, 0x66, 0x0F, 0x76, 0xC1); // pcmpeqd xmm0, xmm1
        assertXmm(cpu, 0, 0xFFFF_FFFF_0000_0000L, -1L);
    }

    @Test
    void punpckInterleavesLowOrHighHalves() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 0, 0x1111_1111_0000_0000L, 0x3333_3333_2222_2222L);
        xmm(cpu, 1, 0x9999_9999_8888_8888L, 0xBBBB_BBBB_AAAA_AAAAL);
        run(cpu, 0x66, 0x0F, 0x62, 0xC1); // punpckldq xmm0, xmm1
        assertXmm(cpu, 0, 0x8888_8888_0000_0000L, 0x9999_9999_1111_1111L);
        xmm(cpu, 2, 0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L);
        xmm(cpu, 3, 0x1716_1514_1312_1110L, 0x1F1E_1D1C_1B1A_1918L);
        run(cpu, 0x66, 0x0F, 0x68, 0xD3); // punpckhbw xmm2, xmm3
        assertXmm(cpu, 2, 0x1B0B_1A0A_1909_1808L, 0x1F0F_1E0E_1D0D_1C0CL);
        xmm(cpu, 4, 1, 2);
        xmm(cpu, 5, 3, 4);
        run(cpu, 0x66, 0x0F, 0x6D, 0xE5); // punpckhqdq xmm4, xmm5
        assertXmm(cpu, 4, 2L, 4L);
    }

    @Test
    void pshufdPicksSourceDwordsByTheImmediate() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 1, 0x1111_1111_0000_0000L, 0x3333_3333_2222_2222L);
        DecodedInstruction insn = run(cpu, 0x66, 0x0F, 0x70, 0xC1, 0x1B); // pshufd xmm0, xmm1, 0x1B (reverse)
        assertEquals(0x1B, insn.immediate());
        assertEquals(5, insn.length());
        assertXmm(cpu, 0, 0x2222_2222_3333_3333L, 0x0000_0000_1111_1111L);
    }

    @Test
    void pshuflwAndPshufhwShuffleOneQuadwordAndCopyTheOther() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 1, 0x0003_0002_0001_0000L, 0x0007_0006_0005_0004L);
        run(cpu, 0xF2, 0x0F, 0x70, 0xC1, 0x00); // pshuflw xmm0, xmm1, 0: word 0 four times
        assertXmm(cpu, 0, 0L, 0x0007_0006_0005_0004L);
        run(cpu, 0xF3, 0x0F, 0x70, 0xD1, 0xFF); // pshufhw xmm2, xmm1, 0xFF: word 7 four times
        assertXmm(cpu, 2, 0x0003_0002_0001_0000L, 0x0007_0007_0007_0007L);
    }

    @Test
    void pshufbZeroesBytesWhoseControlHasBit7() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 0, 0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L);
        xmm(cpu, 1, 0x8000_0000_0000_000FL, 0x0101_0101_0101_01FFL);
        DecodedInstruction insn = run(cpu, 0x66, 0x0F, 0x38, 0x00, 0xC1); // pshufb xmm0, xmm1
        assertEquals(InstructionKind.PSHUFB, insn.kind());
        assertEquals(0x0000_0000_0000_000FL, lo(cpu, 0), "byte 7's control 0x80 gives 0");
        assertEquals(0x0101_0101_0101_0100L, hi(cpu, 0), "control 0xFF: bit 7 set, 0");
    }

    @Test
    void shiftsByImmediatePastTheLaneWidth_logicalGiveZeroArithmeticGiveTheSign() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 1, 0x8000_0000_0000_0010L, 0x8000_0000_0000_0001L);
        run(cpu, 0x66, 0x0F, 0x72, 0xD1, 0x04); // psrld xmm1, 4
        assertEquals(0x0800_0000_0000_0001L, lo(cpu, 1));
        xmm(cpu, 1, 0x8000_0000_0000_0010L, 1);
        run(cpu, 0x66, 0x0F, 0x72, 0xE1, 40); // psrad xmm1, 40: count > 31 fills with the sign
        assertXmm(cpu, 1, 0xFFFF_FFFF_0000_0000L, 0L);
        xmm(cpu, 1, -1L, -1L);
        run(cpu, 0x66, 0x0F, 0x72, 0xF1, 32); // pslld xmm1, 32: 0
        assertEquals(0L, lo(cpu, 1));
        xmm(cpu, 2, 1, 0x8000_0000_0000_0000L);
        run(cpu, 0x66, 0x0F, 0x73, 0xF2, 63); // psllq xmm2, 63
        assertXmm(cpu, 2, 0x8000_0000_0000_0000L, 0L);
        xmm(cpu, 3, 0xFFFF, 0);
        run(cpu, 0x66, 0x0F, 0x71, 0xE3, 15); // psraw xmm3, 15
        assertEquals(0xFFFFL, lo(cpu, 3), "0xFFFF is negative as a word");
    }

    @Test
    void byteShiftsOfTheWholeRegister() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 9, 0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L);
        DecodedInstruction insn = run(cpu, 0x66, 0x41, 0x0F, 0x73, 0xD9, 0x04); // psrldq xmm9, 4
        assertEquals(InstructionKind.PSRLDQ, insn.kind());
        assertEquals(9, insn.rmRegister());
        assertXmm(cpu, 9, 0x0B0A_0908_0706_0504L, 0x0000_0000_0F0E_0D0CL);
        run(cpu, 0x66, 0x41, 0x0F, 0x73, 0xF9, 0x10); // pslldq xmm9, 16: all zero
        assertXmm(cpu, 9, 0L, 0L);
    }

    @Test
    void movdZeroExtendsIntoTheXmmRegisterAndIntoTheGeneralRegister() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 15, -1L, -1L);
        cpu.gpr[Registers.RCX] = 0x1234_5678_8000_0001L;
        DecodedInstruction insn = run(cpu, 0x66, 0x44, 0x0F, 0x6E, 0xF9); // movd xmm15, ecx (the Debian kernel's bytes)
        assertEquals(InstructionKind.MOVD_TO_XMM, insn.kind());
        assertEquals(32, insn.operandSize());
        assertXmm(cpu, 15, 0x8000_0001L, 0L);
        cpu.gpr[Registers.RAX] = -1L;
        run(cpu, 0x66, 0x44, 0x0F, 0x7E, 0xF8); // movd eax, xmm15
        assertEquals(0x8000_0001L, cpu.gpr[Registers.RAX], "a 32-bit register write clears bits 63:32");
        xmm(cpu, 0, 0x1122_3344_5566_7788L, 9);
        run(cpu, 0x66, 0x48, 0x0F, 0x7E, 0xC3); // movq rbx, xmm0
        assertEquals(0x1122_3344_5566_7788L, cpu.gpr[Registers.RBX]);
    }

    @Test
    void movdFromMemoryNeedsNoAlignment_movqStoreToARegisterZeroesItsHighHalf() throws Exception {
        FakeCpu cpu = cpu();
        cpu.ram.set(GuestMemory.U32_LE, 0x3003, 0xCAFEF00D);
        cpu.gpr[Registers.RSI] = 0x3003;
        run(cpu, 0x66, 0x0F, 0x6E, 0x26); // movd xmm4, [rsi]
        assertEquals(0xCAFE_F00DL, lo(cpu, 4));
        xmm(cpu, 1, 5, 6);
        xmm(cpu, 2, 7, 8);
        run(cpu, 0x66, 0x0F, 0xD6, 0xCA); // movq xmm2, xmm1
        assertXmm(cpu, 2, 5L, 0L);
        cpu.gpr[Registers.RDI] = 0x4001;
        run(cpu, 0x66, 0x0F, 0xD6, 0x0F); // movq [rdi], xmm1
        assertEquals(5L, cpu.ram.get(GuestMemory.U64_LE, 0x4001));
        run(cpu, 0xF3, 0x0F, 0x7E, 0x1F); // movq xmm3, [rdi]
        assertXmm(cpu, 3, 5L, 0L);
    }

    @Test
    void aMisaligned128BitOperandRaisesGp0_sdmVol1_11_4_1() throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 0, 1, 2);
        cpu.gpr[Registers.RSI] = 0x3008;
        run(cpu, 0x66, 0x0F, 0xEF, 0x06); // pxor xmm0, [rsi]
        assertEquals(GuestFault.GP, cpu.raisedVector);
        assertEquals(0, cpu.raisedError);
        assertEquals(0x1000, cpu.rip);
        assertEquals(1L, lo(cpu, 0), "nothing written");
        cpu.raisedVector = -1;
        cpu.gpr[Registers.RSI] = 0x3010;
        cpu.ram.set(GuestMemory.U64_LE, 0x3010, 3);
        run(cpu, 0x66, 0x0F, 0xEF, 0x06);
        assertEquals(-1, cpu.raisedVector);
        assertEquals(2L, lo(cpu, 0));
    }

    @Test
    void ripRelativeOperandsCountTheImmediateByte_sdmVol2_2_2_1_6() throws Exception {
        FakeCpu cpu = cpu();
        // pshufd xmm0, [rip+0x1FF7], 0x4E at 0x1000: 9 bytes, operand at 0x1009 + 0x1FF7 = 0x3000.
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, 0x1111L);
        cpu.ram.set(GuestMemory.U64_LE, 0x3008, 0x2222L);
        DecodedInstruction insn = run(cpu, 0x66, 0x0F, 0x70, 0x05, 0xF7, 0x1F, 0x00, 0x00, 0x4E);
        assertEquals(9, insn.length());
        assertXmm(cpu, 0, 0x2222L, 0x1111L);
    }

    @Test
    void sseStateNotInUseReadsAsZero_sdmVol1_13_6() throws Exception {
        FakeCpu cpu = cpu();
        cpu.image.set(GuestMemory.U64_LE, XsaveLayout.HEADER, 1); // SSE in its initial state
        xmm(cpu, 1, -1L, -1L); // stale bytes KVM's image may hold
        xmm(cpu, 0, 5, 0);
        run(cpu, 0x66, 0x0F, 0xFE, 0xC1); // paddd xmm0, xmm1
        assertEquals(0L, lo(cpu, 0));
        assertEquals(0L, hi(cpu, 1));
        assertEquals(3L, cpu.image.get(GuestMemory.U64_LE, XsaveLayout.HEADER));
    }

    @Test
    void exceptionsBeforeAnyWork_udWithoutTheFeatureOrWithLock_nmWithTs() throws Exception {
        FakeCpu noSse2 = cpu();
        noSse2.clearFeature(1, 0, CpuFeatures.EDX, 26);
        run(noSse2, 0x66, 0x0F, 0xFE, 0xC1);
        assertEquals(GuestFault.UD, noSse2.raisedVector);

        FakeCpu noSsse3 = cpu();
        noSsse3.clearFeature(1, 0, CpuFeatures.ECX, 9);
        run(noSsse3, 0x66, 0x0F, 0x38, 0x00, 0xC1);
        assertEquals(GuestFault.UD, noSsse3.raisedVector, "PSHUFB is SSSE3");
        run(noSsse3, 0x66, 0x0F, 0xFE, 0xC1);
        assertEquals(0x1004, noSsse3.rip, "PADDD needs only SSE2");

        FakeCpu ts = cpu();
        ts.cr0 |= CpuState.CR0_TS;
        run(ts, 0x66, 0x0F, 0xEF, 0xC1);
        assertEquals(GuestFault.NM, ts.raisedVector);
        assertFalse(ts.imageChanged);

        FakeCpu noSse2WithTs = cpu();
        noSse2WithTs.clearFeature(1, 0, CpuFeatures.EDX, 26);
        noSse2WithTs.cr0 |= CpuState.CR0_TS;
        run(noSse2WithTs, 0x66, 0x0F, 0xFE, 0xC1);
        assertEquals(GuestFault.UD, noSse2WithTs.raisedVector, "#UD has priority over #NM");

        FakeCpu lock = cpu();
        run(lock, 0xF0, 0x66, 0x0F, 0xEF, 0xC1);
        assertEquals(GuestFault.UD, lock.raisedVector);
    }

    /** Lane arithmetic is modular per lane: PSUBx undoes PADDx of the same source, for every width. */
    @Property(tries = 300)
    void subtractingWhatWasAddedGivesTheOriginalBack(@ForAll long a0, @ForAll long a1, @ForAll long b0, @ForAll long b1) throws Exception {
        int[][] pairs = {{0xFC, 0xF8}, {0xFD, 0xF9}, {0xFE, 0xFA}, {0xD4, 0xFB}};
        for (int[] p : pairs) {
            FakeCpu cpu = cpu();
            xmm(cpu, 0, a0, a1);
            xmm(cpu, 1, b0, b1);
            run(cpu, 0x66, 0x0F, p[0], 0xC1);
            run(cpu, 0x66, 0x0F, p[1], 0xC1);
            assertXmm(cpu, 0, a0, a1);
        }
    }

    /** A rotate built as the guest builds it (copy, PSRLD n, PSLLD 32-n, POR) equals Integer.rotateRight on each lane. */
    @Property(tries = 300)
    void shiftPairsMakeRotates(@ForAll long v0, @ForAll long v1, @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 31) int n) throws Exception {
        FakeCpu cpu = cpu();
        xmm(cpu, 1, v0, v1);
        xmm(cpu, 8, v0, v1);
        run(cpu, 0x66, 0x0F, 0x72, 0xD1, n);              // psrld xmm1, n
        run(cpu, 0x66, 0x41, 0x0F, 0x72, 0xF0, 32 - n);   // pslld xmm8, 32-n
        run(cpu, 0x66, 0x41, 0x0F, 0xEB, 0xC8);           // por xmm1, xmm8
        long expectedLo = (Integer.rotateRight((int) v0, n) & 0xFFFF_FFFFL) | ((long) Integer.rotateRight((int) (v0 >>> 32), n) << 32);
        long expectedHi = (Integer.rotateRight((int) v1, n) & 0xFFFF_FFFFL) | ((long) Integer.rotateRight((int) (v1 >>> 32), n) << 32);
        assertXmm(cpu, 1, expectedLo, expectedHi);
    }

    @Test
    void mmxFormsAndMemoryFormsOfTheShiftGroupsAreRefused() {
        FakeCpu cpu = cpu();
        EmulationRefused mmx = assertThrows(EmulationRefused.class, () -> run(cpu, 0x0F, 0xFE, 0xC1)); // paddd mm0, mm1
        assertTrue(mmx.getMessage().contains("MMX"), mmx.getMessage());
        assertThrows(EmulationRefused.class, () -> run(cpu, 0x66, 0x0F, 0x72, 0x10, 0x04)); // 66 0F 72 /2 with a memory operand
        assertThrows(EmulationRefused.class, () -> run(cpu, 0x66, 0x0F, 0x73, 0xC1, 0x04)); // 66 0F 73 /0: reserved
        assertThrows(EmulationRefused.class, () -> run(cpu, 0x66, 0x0F, 0x70)); // truncated before ModRM
    }
}
