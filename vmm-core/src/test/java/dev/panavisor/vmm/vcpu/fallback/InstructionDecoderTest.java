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
