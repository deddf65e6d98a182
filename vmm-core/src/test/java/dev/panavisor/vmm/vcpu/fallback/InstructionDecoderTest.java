package dev.panavisor.vmm.vcpu.fallback;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class InstructionDecoderTest {
    static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (byte) v[i];
        return r;
    }

    static DecodedInstruction decode(int codeSize, int... bytes) throws DecodeException {
        byte[] padded = new byte[15];
        System.arraycopy(b(bytes), 0, padded, 0, bytes.length);
        return InstructionDecoder.decode(padded, padded.length, codeSize);
    }

    @Test
    void int3IsOneByte() throws Exception {
        DecodedInstruction i = decode(64, 0xCC, 0x66, 0xBA);
        assertEquals(InstructionKind.INT3, i.kind());
        assertEquals(1, i.length());
    }

    @Test
    void finitIsFwaitFollowedByFninit_sdmVol2Finit() throws Exception {
        // 9B DB E3 is FINIT: the CPU executes the 9B as a separate WAIT instruction first.
        assertEquals(InstructionKind.FWAIT, decode(16, 0x9B, 0xDB, 0xE3).kind());
        assertEquals(1, decode(16, 0x9B, 0xDB, 0xE3).length());
        DecodedInstruction fninit = decode(32, 0xDB, 0xE3);
        assertEquals(InstructionKind.FNINIT, fninit.kind());
        assertEquals(2, fninit.length());
    }

    @Test
    void x87ControlInstructions() throws Exception {
        assertEquals(InstructionKind.FNCLEX, decode(64, 0xDB, 0xE2).kind());
        DecodedInstruction fldcw = decode(64, 0xD9, 0x2D, 0x7E, 0x3F, 0, 0);
        assertEquals(InstructionKind.FLDCW, fldcw.kind());
        assertTrue(fldcw.memory().ripRelative());
        assertEquals(6, fldcw.length());
        assertEquals(InstructionKind.FNSTCW, decode(64, 0xD9, 0x3F).kind());
        assertEquals(InstructionKind.FNSTSW, decode(64, 0xDD, 0x3F).kind());
        DecodedInstruction ax = decode(16, 0xDF, 0xE0);
        assertEquals(InstructionKind.FNSTSW, ax.kind());
        assertFalse(ax.hasMemoryOperand());
        assertEquals(Registers.RAX, ax.rmRegister());
    }

    /** Every x87 form the fallback carries out, by its encoding (SDM vol. 2, appendix A.4, tables ). */
    @Test
    void x87OpcodeIsTheEscapesLowBitsAndTheModrmWithoutPrefixes_sdmVol1_8_1_9() throws Exception {
        assertEquals(0x6F9, decode(64, 0xDE, 0xF9).x87Opcode());                 // fdivp
        assertEquals(0x546, decode(64, 0x66, 0x41, 0xDD, 0x46, 0x08).x87Opcode()); // fld qword [r14+8]
        assertEquals(0x0C1, decode(32, 0xD8, 0xC1).x87Opcode());                 // fadd st(0), st(1)
        assertEquals(0, decode(64, 0xF3, 0x0F, 0xB8, 0xC1).x87Opcode(), "not an x87 instruction");
    }

    @Test
    void x87OpcodeMapDecodesEveryCarriedOutForm() throws Exception {
        String[] memory = {
                "D8 FADD32 FMUL32 FCOM32 FCOMP32 FSUB32 FSUBR32 FDIV32 FDIVR32",
                "D9 FLD32 - FST32 FSTP32 FLDENV FLDCW FNSTENV FNSTCW",
                "DA FIADD32 FIMUL32 FICOM32 FICOMP32 FISUB32 FISUBR32 FIDIV32 FIDIVR32",
                "DB FILD32 FISTTP32 FIST32 FISTP32 - FLD80 - FSTP80",
                "DC FADD64 FMUL64 FCOM64 FCOMP64 FSUB64 FSUBR64 FDIV64 FDIVR64",
                "DD FLD64 FISTTP64 FST64 FSTP64 FRSTOR - FNSAVE FNSTSW",
                "DE FIADD16 FIMUL16 FICOM16 FICOMP16 FISUB16 FISUBR16 FIDIV16 FIDIVR16",
                "DF FILD16 FISTTP16 FIST16 FISTP16 FBLD FILD64 FBSTP FISTP64"};
        for (String row : memory) {
            String[] f = row.split(" ");
            int op = Integer.parseInt(f[0], 16);
            for (int reg = 0; reg < 8; reg++) {
                int modrm = 0x46 | reg << 3; // [rsi+disp8]
                if (f[reg + 1].equals("-")) {
                    DecodeException e = assertThrows(DecodeException.class, () -> decode(64, op, modrm, 0x10));
                    assertNotNull(e.getMessage());
                    continue;
                }
                DecodedInstruction i = decode(64, op, modrm, 0x10);
                assertEquals(InstructionKind.valueOf(f[reg + 1]), i.kind(), row + " /" + reg);
                assertEquals(3, i.length());
                assertTrue(i.hasMemoryOperand());
            }
        }
        String[] register = {
                "D8 FADD_ST0_STI FMUL_ST0_STI FCOM_STI FCOMP_STI FSUB_ST0_STI FSUBR_ST0_STI FDIV_ST0_STI FDIVR_ST0_STI",
                "D9 FLD_STI FXCH - - - - - -",
                "DA FCMOVB FCMOVE FCMOVBE FCMOVU - - - -",
                "DB FCMOVNB FCMOVNE FCMOVNBE FCMOVNU - FUCOMI FCOMI -",
                "DC FADD_STI_ST0 FMUL_STI_ST0 - - FSUBR_STI_ST0 FSUB_STI_ST0 FDIVR_STI_ST0 FDIV_STI_ST0",
                "DD FFREE - FST_STI FSTP_STI FUCOM FUCOMP - -",
                "DE FADDP FMULP - - FSUBRP FSUBP FDIVRP FDIVP",
                "DF - - - - - FUCOMIP FCOMIP -"};
        for (String row : register) {
            String[] f = row.split(" ");
            int op = Integer.parseInt(f[0], 16);
            for (int reg = 0; reg < 8; reg++) {
                if (f[reg + 1].equals("-")) continue;
                for (int i = 0; i < 8; i++) {
                    DecodedInstruction d = decode(64, op, 0xC0 | reg << 3 | i);
                    assertEquals(InstructionKind.valueOf(f[reg + 1]), d.kind(), row + " reg " + reg);
                    assertEquals(i, d.rmRegister());
                    assertEquals(2, d.length());
                }
            }
        }
        String[] fixed = {"D9D0 FNOP", "D9E0 FCHS", "D9E1 FABS", "D9E4 FTST", "D9E5 FXAM", "D9E8 FLD1", "D9E9 FLDL2T",
                "D9EA FLDL2E", "D9EB FLDPI", "D9EC FLDLG2", "D9ED FLDLN2", "D9EE FLDZ", "D9F4 FXTRACT", "D9F5 FPREM1",
                "D9F6 FDECSTP", "D9F7 FINCSTP", "D9F8 FPREM", "D9FA FSQRT", "D9FC FRNDINT", "D9FD FSCALE",
                "DAE9 FUCOMPP", "DED9 FCOMPP", "DBE2 FNCLEX", "DBE3 FNINIT", "DFE0 FNSTSW"};
        for (String e : fixed) {
            int v = Integer.parseInt(e.substring(0, 4), 16);
            DecodedInstruction d = decode(32, v >> 8, v & 0xFF);
            assertEquals(InstructionKind.valueOf(e.substring(5)), d.kind(), e);
            assertEquals(2, d.length());
        }
    }

    @Test
    void ovmfDxeX87SequenceDecodes() throws Exception {
        assertEquals("fxch st(1) (2 bytes, 64-bit code)", decode(64, 0xD9, 0xC9).toString());
        assertEquals(InstructionKind.FCOMI, decode(64, 0xDB, 0xF1).kind());
        assertEquals("fcmovnbe st(0),st(1) (2 bytes, 64-bit code)", decode(64, 0xDB, 0xD1).toString());
        assertEquals(InstructionKind.FSTP_STI, decode(64, 0xDD, 0xD9).kind());
        DecodedInstruction fmul = decode(64, 0xD8, 0x0D, 0x64, 0x6C, 0x05, 0x00);
        assertEquals(InstructionKind.FMUL32, fmul.kind());
        assertTrue(fmul.memory().ripRelative());
        assertEquals(0x56C64, fmul.memory().displacement());
        assertEquals(6, fmul.length());
    }

    @Test
    void x87InstructionsNotCarriedOutAreRefusedByName() {
        String[][] cases = {{"D9FE", "FSIN"}, {"D9FF", "FCOS"}, {"D9F2", "FPTAN"}, {"D9F3", "FPATAN"}, {"D9F0", "F2XM1"},
                {"D9F1", "FYL2X"}, {"D9F9", "FYL2XP1"}, {"D9FB", "FSINCOS"}};
        for (String[] c : cases) {
            int v = Integer.parseInt(c[0], 16);
            DecodeException e = assertThrows(DecodeException.class, () -> decode(64, v >> 8, v & 0xFF));
            assertTrue(e.getMessage().startsWith(c[1] + " "), e.getMessage());
        }
        DecodeException reserved = assertThrows(DecodeException.class, () -> decode(64, 0xD9, 0x0E)); // D9 /1
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
    }

    @Test
    void clacAndStacAreGroup7Encodings() throws Exception {
        assertEquals(InstructionKind.CLAC, decode(64, 0x0F, 0x01, 0xCA).kind());
        assertEquals(InstructionKind.STAC, decode(64, 0x0F, 0x01, 0xCB).kind());
        assertEquals(3, decode(64, 0x0F, 0x01, 0xCB).length());
    }

    @Test
    void popcntRegisterFormWithRexW() throws Exception {
        DecodedInstruction i = decode(64, 0xF3, 0x48, 0x0F, 0xB8, 0xC3);
        assertEquals(InstructionKind.POPCNT, i.kind());
        assertEquals(5, i.length());
        assertEquals(64, i.operandSize());
        assertEquals(Registers.RAX, i.reg());
        assertEquals(Registers.RBX, i.rmRegister());
    }

    @Test
    void rexRAndRexBExtendRegFields_sdmVol2_2_2_1() throws Exception {
        DecodedInstruction i = decode(64, 0xF3, 0x4D, 0x0F, 0xB8, 0xC8);
        assertEquals(9, i.reg());
        assertEquals(8, i.rmRegister());
    }

    @Test
    void rexBeforeALegacyPrefixIsIgnored_sdmVol2_2_2_1() throws Exception {
        DecodedInstruction i = decode(64, 0x48, 0xF3, 0x0F, 0xB8, 0xC3);
        assertEquals(InstructionKind.POPCNT, i.kind());
        assertEquals(32, i.operandSize());
    }

    @Test
    void operandSizePrefixSelects16Bit() throws Exception {
        assertEquals(16, decode(64, 0x66, 0xF3, 0x0F, 0xB8, 0xC3).operandSize());
        assertEquals(16, decode(32, 0x66, 0xF3, 0x0F, 0xB8, 0xC3).operandSize());
        assertEquals(32, decode(16, 0x66, 0xF3, 0x0F, 0xB8, 0xC3).operandSize());
        assertEquals(16, decode(16, 0xF3, 0x0F, 0xB8, 0xC3).operandSize());
    }

    @Test
    void popcntWithoutF3IsNotPopcnt() {
        DecodeException e = assertThrows(DecodeException.class, () -> decode(64, 0x0F, 0xB8, 0xC3));
        assertEquals("JMPE", e.instructionName());
    }

    @Test
    void xsaveFamilyEncodings() throws Exception {
        assertEquals(InstructionKind.XSAVE, decode(64, 0x0F, 0xAE, 0x27).kind());
        assertEquals(InstructionKind.XSAVE, decode(64, 0x48, 0x0F, 0xAE, 0x27).kind());
        assertEquals(InstructionKind.XRSTOR, decode(64, 0x0F, 0xAE, 0x2F).kind());
        assertEquals(InstructionKind.XSAVEOPT, decode(64, 0x0F, 0xAE, 0x37).kind());
        assertEquals(InstructionKind.XSAVEC, decode(64, 0x0F, 0xC7, 0x27).kind());
        assertEquals(InstructionKind.XSAVES, decode(64, 0x0F, 0xC7, 0x2F).kind());
        assertEquals(InstructionKind.XRSTORS, decode(64, 0x0F, 0xC7, 0x1F).kind());
    }

    @Test
    void vexAndEvexPrefixesAreNamedIn64BitModeOnly_sdmVol2_2_3_and_2_7() {
        DecodeException vex = assertThrows(DecodeException.class, () -> decode(64, 0xC5, 0xFA, 0x6F, 0x07)); // vmovdqu xmm0, [rdi]
        assertEquals("VEX-encoded (AVX) instruction", vex.instructionName());
        assertTrue(vex.getMessage().contains("C5 FA 6F"), vex.getMessage());
        DecodeException evex = assertThrows(DecodeException.class, () -> decode(64, 0x62, 0xF1, 0x7D, 0x48, 0x6F, 0x07));
        assertEquals("EVEX-encoded (AVX-512) instruction", evex.instructionName());
        DecodeException lds = assertThrows(DecodeException.class, () -> decode(32, 0xC5, 0x06));
        assertEquals(null, lds.instructionName(), "LDS outside 64-bit mode");
    }

    @Test
    void fencesShareGroup15ButAreNotEmulated() {
        DecodeException e = assertThrows(DecodeException.class, () -> decode(64, 0x0F, 0xAE, 0xF0));
        assertEquals("MFENCE", e.instructionName());
    }

    @Test
    void cmpxchg16bNeedsRexW() throws Exception {
        DecodedInstruction wide = decode(64, 0xF0, 0x48, 0x0F, 0xC7, 0x0F);
        assertEquals(InstructionKind.CMPXCHG16B, wide.kind());
        assertTrue(wide.lock());
        assertEquals(5, wide.length());
        assertEquals(Registers.RDI, wide.memory().base());
        assertEquals(InstructionKind.CMPXCHG8B, decode(64, 0xF0, 0x0F, 0xC7, 0x0F).kind());
        assertEquals(InstructionKind.CMPXCHG8B, decode(32, 0x0F, 0xC7, 0x0E).kind());
    }

    @Test
    void cmpxchg8bRegisterFormDecodesSoThatTheExecutorRaisesUd() throws Exception {
        DecodedInstruction i = decode(64, 0x0F, 0xC7, 0xC9);
        assertEquals(InstructionKind.CMPXCHG8B, i.kind());
        assertFalse(i.hasMemoryOperand());
    }

    @Test
    void ripRelativeIn64BitModeIsAbsoluteIn32_sdmVol2_2_2_1_6() throws Exception {
        DecodedInstruction rel = decode(64, 0x0F, 0xAE, 0x25, 0x10, 0x00, 0x00, 0x00);
        assertTrue(rel.memory().ripRelative());
        assertEquals(0x10, rel.memory().displacement());
        assertEquals(7, rel.length());
        DecodedInstruction abs = decode(32, 0x0F, 0xAE, 0x25, 0x10, 0x00, 0x00, 0x00);
        assertFalse(abs.memory().ripRelative());
        assertEquals(MemoryOperand.NONE, abs.memory().base());
    }

    @Test
    void sibWithScaledIndexAndNoBase_sdmVol2Table2_3() throws Exception {
        // [rcx*8 + 0x1000]: mod 00, rm 100 (SIB), SIB = 11 001 101 (scale 8, index rcx, no base)
        DecodedInstruction i = decode(64, 0x0F, 0xAE, 0x24, 0xCD, 0x00, 0x10, 0x00, 0x00);
        MemoryOperand m = i.memory();
        assertEquals(MemoryOperand.NONE, m.base());
        assertEquals(Registers.RCX, m.index());
        assertEquals(8, m.scale());
        assertEquals(0x1000, m.displacement());
        assertEquals(8, i.length());
    }

    @Test
    void rspBaseDefaultsToSsAndIndexFourMeansNone() throws Exception {
        MemoryOperand m = decode(64, 0x0F, 0xAE, 0x24, 0x24).memory();
        assertEquals(Registers.RSP, m.base());
        assertEquals(MemoryOperand.NONE, m.index());
        assertEquals(Segment.SS, m.segment());
    }

    @Test
    void rexXMakesIndexFourR12() throws Exception {
        MemoryOperand m = decode(64, 0x42, 0x0F, 0xAE, 0x24, 0x20).memory();
        assertEquals(12, m.index());
        assertEquals(Registers.RAX, m.base());
    }

    @Test
    void disp8IsSignExtended() throws Exception {
        assertEquals(-8, decode(64, 0x0F, 0xAE, 0x67, 0xF8).memory().displacement());
    }

    @Test
    void sixteenBitAddressing_sdmVol2Table2_1() throws Exception {
        MemoryOperand bpSi = decode(16, 0x0F, 0xAE, 0x22).memory();
        assertEquals(Registers.RBP, bpSi.base());
        assertEquals(Registers.RSI, bpSi.index());
        assertEquals(Segment.SS, bpSi.segment());
        assertEquals(16, bpSi.addressSize());
        MemoryOperand direct = decode(16, 0x0F, 0xAE, 0x26, 0x34, 0x12).memory();
        assertEquals(MemoryOperand.NONE, direct.base());
        assertEquals(0x1234, direct.displacement());
        assertEquals(Segment.DS, direct.segment());
        MemoryOperand bpDisp = decode(16, 0x0F, 0xAE, 0x66, 0x02).memory();
        assertEquals(Registers.RBP, bpDisp.base());
        assertEquals(2, bpDisp.displacement());
    }

    @Test
    void addressSizePrefixSwitchesForms() throws Exception {
        assertEquals(32, decode(64, 0x67, 0x0F, 0xAE, 0x27).memory().addressSize());
        assertEquals(32, decode(16, 0x67, 0x0F, 0xAE, 0x27).memory().addressSize());
        assertEquals(16, decode(32, 0x67, 0x0F, 0xAE, 0x27).memory().addressSize());
    }

    @Test
    void segmentOverridePrefixes() throws Exception {
        assertEquals(Segment.FS, decode(64, 0x64, 0x0F, 0xAE, 0x27).memory().segment());
        assertEquals(Segment.GS, decode(64, 0x65, 0xF0, 0x48, 0x0F, 0xC7, 0x0F).memory().segment());
        assertEquals(Segment.ES, decode(16, 0x26, 0x0F, 0xAE, 0x27).memory().segment());
    }

    @Test
    void unknownInstructionsAreNamedForTheReport() {
        assertEquals("XGETBV", assertThrows(DecodeException.class, () -> decode(64, 0x0F, 0x01, 0xD0)).instructionName());
        assertEquals("SYSCALL", assertThrows(DecodeException.class, () -> decode(64, 0x0F, 0x05)).instructionName());
        DecodeException nop = assertThrows(DecodeException.class, () -> decode(64, 0x90));
        assertNull(nop.instructionName());
        assertTrue(nop.getMessage().contains("90"));
    }

    @Test
    void truncatedInstructionIsADecodeException() {
        DecodeException e = assertThrows(DecodeException.class, () -> InstructionDecoder.decode(b(0xF3, 0x48, 0x0F), 3, 64));
        assertTrue(e.getMessage().contains("truncated"));
    }

    @Test
    void moreThanFifteenBytesIsADecodeException_sdmVol2_2_3_11() {
        byte[] bytes = new byte[20];
        java.util.Arrays.fill(bytes, (byte) 0x66);
        bytes[15] = (byte) 0xCC;
        DecodeException e = assertThrows(DecodeException.class, () -> InstructionDecoder.decode(bytes, bytes.length, 64));
        assertTrue(e.getMessage().contains("15"));
    }

    @Test
    void inIa32ModeRexBytesAreIncDec() {
        assertThrows(DecodeException.class, () -> decode(32, 0x48, 0x0F, 0xC7, 0x0F));
    }

    @Property(tries = 5000)
    void decoderNeverThrowsAnythingButDecodeException(@ForAll @Size(max = 20) byte[] bytes,
                                                      @ForAll @IntRange(min = 0, max = 2) int mode) {
        int codeSize = List.of(16, 32, 64).get(mode);
        try {
            DecodedInstruction i = InstructionDecoder.decode(bytes, bytes.length, codeSize);
            assertTrue(i.length() >= 1 && i.length() <= Math.min(15, bytes.length));
            assertNotNull(i.toString());
        } catch (DecodeException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @Property(tries = 3000)
    void sseOpcodeSpaceWithRandomTailsDecodesOrRefusesCleanly(@ForAll @IntRange(min = 0, max = 3) int prefix,
                                                              @ForAll @Size(min = 1, max = 14) byte[] tail) {
        byte[][] heads = {{0x66, 0x0F}, {(byte) 0xF3, 0x0F}, {(byte) 0xF2, 0x0F}, {0x66, 0x0F, 0x38}};
        byte[] head = heads[prefix];
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, bytes, head.length, tail.length);
        try {
            DecodedInstruction i = InstructionDecoder.decode(bytes, bytes.length, 64);
            assertTrue(i.length() > head.length && i.length() <= Math.min(15, bytes.length));
            if (i.kind().isSseInteger()) assertTrue(i.reg() >= 0 || i.rmRegister() >= 0, "an XMM operand: " + i);
            assertNotNull(i.toString());
        } catch (DecodeException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @Property(tries = 2000)
    void knownOpcodesBehindRandomPrefixesDecodeWithinFifteenBytes(@ForAll @Size(max = 14) List<@net.jqwik.api.constraints.IntRange(min = 0, max = 10) Integer> prefixes) throws Exception {
        int[] legacy = {0xF0, 0xF2, 0xF3, 0x66, 0x67, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65};
        byte[] bytes = new byte[prefixes.size() + 1];
        for (int i = 0; i < prefixes.size(); i++) bytes[i] = (byte) legacy[prefixes.get(i)];
        bytes[prefixes.size()] = (byte) 0xCC;
        DecodedInstruction i = InstructionDecoder.decode(bytes, bytes.length, 64);
        assertEquals(InstructionKind.INT3, i.kind());
        assertEquals(bytes.length, i.length());
    }
}
