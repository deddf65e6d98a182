package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static dev.panavisor.vmm.vcpu.fallback.X87DataTransferTest.fsw;
import static dev.panavisor.vmm.vcpu.fallback.X87DataTransferTest.tags;
import static dev.panavisor.vmm.vcpu.fallback.X87DataTransferTest.top;
import static dev.panavisor.vmm.vcpu.fallback.X87Operations.*;
import static org.junit.jupiter.api.Assertions.*;

/** The x87 arithmetic, comparison and stack instructions of {@link X87Operations} (SDM vol. 2, their pages; vol. 1, ch. 8). */
class X87OperationsTest {
    static final int DATA = 0x3000;

    /** ST(i) as a double (exact for the values these tests use). */
    static double st(FakeCpu cpu, int i) {
        long base = X87Operations.ST_BASE + 16L * i;
        ExtendedReal v = new ExtendedReal(cpu.image.get(GuestMemory.U16_LE, base + 8) & 0xFFFF, cpu.image.get(GuestMemory.U64_LE, base));
        if (v.isNaN()) return Double.NaN;
        if (v.isInfinity()) return v.negative() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        double m = Math.scalb((double) (v.significand() >>> 11), v.exponent() - 16383 - 52);
        return v.negative() ? -m : m;
    }

    static ExtendedReal raw(FakeCpu cpu, int i) {
        long base = X87Operations.ST_BASE + 16L * i;
        return new ExtendedReal(cpu.image.get(GuestMemory.U16_LE, base + 8) & 0xFFFF, cpu.image.get(GuestMemory.U64_LE, base));
    }

    /** FLD m64fp of each value in turn: the last is ST(0). */
    static FakeCpu stack(double... values) throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = DATA;
        for (double d : values) {
            cpu.ram.set(GuestMemory.U64_LE, DATA + 0x100, Double.doubleToRawLongBits(d));
            run(cpu, 0xDD, 0x86, 0x00, 0x01, 0x00, 0x00); // fld qword [rsi+0x100]
        }
        return cpu;
    }

    static void fcw(FakeCpu cpu, int fcw) { cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) fcw); }

    @Test
    void ovmfDxeSequenceFxchFcomiFcmovnbeFstpFmul() throws Exception {
        // OVMF DXE: fxch st(1); fcomi st(0), st(1); fcmovnbe st(0), st(1); fstp st(1); fmul dword [rip+disp]
        FakeCpu cpu = stack(3.0, 2.5);                       // ST(0) = 2.5, ST(1) = 3
        fcw(cpu, 0x027F);                                     // UEFI: double precision, nearest, all masked
        run(cpu, 0xD9, 0xC9);
        assertEquals(3.0, st(cpu, 0));
        assertEquals(2.5, st(cpu, 1));
        run(cpu, 0xDB, 0xF1);
        assertEquals(0, cpu.rflags & (CpuState.RFLAGS_CF | CpuState.RFLAGS_ZF | CpuState.RFLAGS_PF), "3 > 2.5");
        run(cpu, 0xDB, 0xD1);                                 // CF = ZF = 0: moves
        assertEquals(2.5, st(cpu, 0));
        run(cpu, 0xDD, 0xD9);
        assertEquals(7, top(cpu), "FSTP ST(1) popped once");
        assertEquals(1 << 7, tags(cpu));
        assertEquals(2.5, st(cpu, 0));
        long rip = cpu.rip;
        cpu.ram.set(GuestMemory.U32_LE, rip + 6 + 0x56C64, Float.floatToRawIntBits(4.0f));
        run(cpu, 0xD8, 0x0D, 0x64, 0x6C, 0x05, 0x00);
        assertEquals(10.0, st(cpu, 0));
        assertEquals(rip + 6, cpu.rip);
        assertEquals(0, fsw(cpu) & 0xFF, "exact: no flags");
    }

    /** ST(0) = 2, ST(1) = 8; {encoding, index of the result after the instruction, result, TOP after}. */
    @Test
    void registerFormsPickDestinationAndOperandOrder_sdmVol2FsubFsubrFdivFdivr() throws Exception {
        Object[][] cases = {
                {0xD8, 0xC1, 0, 10.0}, {0xDC, 0xC1, 1, 10.0}, {0xDE, 0xC1, 0, 10.0},
                {0xD8, 0xC9, 0, 16.0}, {0xDC, 0xC9, 1, 16.0}, {0xDE, 0xC9, 0, 16.0},
                {0xD8, 0xE1, 0, -6.0}, {0xD8, 0xE9, 0, 6.0},   // FSUB ST(0),ST(i) = ST0-STi; FSUBR = STi-ST0
                {0xDC, 0xE9, 1, 6.0}, {0xDC, 0xE1, 1, -6.0},   // DC E8+i FSUB ST(i),ST(0) = STi-ST0; DC E0+i FSUBR = ST0-STi
                {0xDE, 0xE9, 0, 6.0}, {0xDE, 0xE1, 0, -6.0},   // FSUBP, FSUBRP: then popped, the result is ST(0)
                {0xD8, 0xF1, 0, 0.25}, {0xD8, 0xF9, 0, 4.0},
                {0xDC, 0xF9, 1, 4.0}, {0xDC, 0xF1, 1, 0.25},
                {0xDE, 0xF9, 0, 4.0}, {0xDE, 0xF1, 0, 0.25}};
        for (Object[] c : cases) {
            FakeCpu cpu = stack(8.0, 2.0);
            int op = (Integer) c[0], modrm = (Integer) c[1];
            DecodedInstruction insn = run(cpu, op, modrm);
            assertEquals((Double) c[3], st(cpu, (Integer) c[2]), insn.toString());
            assertEquals(op == 0xDE ? 7 : 6, top(cpu), insn.toString());
            assertEquals(op == 0xDE ? 1 << 7 : 0xC0, tags(cpu), insn.toString());
        }
    }

    @Test
    void memoryFormsTakeTheSourceAsSecondOperandOrFirstForR() throws Exception {
        // ST(0) = 2, memory 8: ADD MUL - - SUB SUBR DIV DIVR
        double[] expected = {10, 16, 0, 0, -6, 6, 0.25, 4};
        for (int reg : new int[]{0, 1, 4, 5, 6, 7}) {
            for (int op : new int[]{0xD8, 0xDC, 0xDA, 0xDE}) {
                FakeCpu cpu = stack(2.0);
                switch (op) {
                    case 0xD8 -> cpu.ram.set(GuestMemory.U32_LE, DATA, Float.floatToRawIntBits(8.0f));
                    case 0xDC -> cpu.ram.set(GuestMemory.U64_LE, DATA, Double.doubleToRawLongBits(8.0));
                    case 0xDA -> cpu.ram.set(GuestMemory.U32_LE, DATA, 8);
                    default -> cpu.ram.set(GuestMemory.U16_LE, DATA, (short) 8);
                }
                DecodedInstruction insn = run(cpu, op, reg << 3 | 6);
                assertEquals(expected[reg], st(cpu, 0), insn.toString());
                assertEquals(7, top(cpu));
            }
        }
        FakeCpu cpu = stack(2.0);
        cpu.ram.set(GuestMemory.U16_LE, DATA, (short) -3);
        run(cpu, 0xDE, 0x0E); // fimul word [rsi]: sign-extended
        assertEquals(-6.0, st(cpu, 0));
    }

    @Test
    void doublePrecisionControlRoundsTheSignificandTo53Bits_sdmVol1_8_1_5_2() throws Exception {
        FakeCpu cpu = stack(1.0, 3.0);
        fcw(cpu, 0x027F);
        run(cpu, 0xDE, 0xF9);                                 // fdivp: 1/3
        assertEquals(1.0 / 3.0, st(cpu, 0));
        assertEquals(0, raw(cpu, 0).significand() & 0x7FF, "the low 11 bits are zero at 53-bit precision");
        assertEquals(PE, fsw(cpu) & (PE | C1), "inexact, rounded down");
        FakeCpu extended = stack(1.0, 3.0);
        run(extended, 0xDE, 0xF9);
        assertEquals(0xAAAA_AAAA_AAAA_AAABL, raw(extended, 0).significand(), "64-bit precision rounds 1/3 up");
        assertEquals(PE | C1, fsw(extended) & (PE | C1), "C1: rounded up");
    }

    @Test
    void maskedStackUnderflowGivesTheIndefinite_sdmVol1_8_5_1_1() throws Exception {
        FakeCpu cpu = stack(5.0);
        cpu.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) (fsw(cpu) | C1));
        run(cpu, 0xD8, 0xC1);                                  // fadd st(0), st(1): ST(1) empty
        assertEquals(ExtendedReal.INDEFINITE, raw(cpu, 0));
        assertEquals(IE | SF, fsw(cpu) & (IE | SF | C1 | ES));
        FakeCpu chs = new FakeCpu();
        run(chs, 0xD9, 0xE0);                                  // fchs of an empty ST(0)
        assertEquals(ExtendedReal.INDEFINITE, raw(chs, 0));
        assertEquals(1 << 0, tags(chs), "the indefinite is now in R0");
    }

    @Test
    void unmaskedStackUnderflowChangesNothingAndTheNextInstructionRaisesMf() throws Exception {
        FakeCpu cpu = stack(5.0);
        fcw(cpu, 0x037E);
        run(cpu, 0xDE, 0xC1);                                   // faddp st(1), st(0): ST(1) empty
        assertEquals(IE | SF | ES | B, fsw(cpu) & (IE | SF | ES | B | C1));
        assertEquals(7, top(cpu), "not popped");
        assertEquals(5.0, st(cpu, 0));
        run(cpu, 0xD9, 0xE1);                                   // fabs: a waiting instruction
        assertEquals(GuestFault.MF, cpu.raisedVector);
    }

    @Test
    void stackOverflowSetsC1() throws Exception {
        FakeCpu cpu = stack(1, 2, 3, 4, 5, 6, 7, 8);
        run(cpu, 0xD9, 0xC3);                                   // fld st(3): R[TOP-1] in use
        assertEquals(IE | SF | C1, fsw(cpu) & (IE | SF | C1));
        assertEquals(ExtendedReal.INDEFINITE, raw(cpu, 0));
        FakeCpu unmasked = stack(1, 2, 3, 4, 5, 6, 7, 8);
        fcw(unmasked, 0x037E);
        run(unmasked, 0xD9, 0xEB);                              // fldpi
        assertEquals(IE | SF | C1 | ES | B, fsw(unmasked) & (IE | SF | C1 | ES | B));
        assertEquals(0, top(unmasked));
        assertEquals(8.0, st(unmasked, 0));
    }

    @Test
    void unmaskedZeroDivideLeavesTheDestination_sdmVol1_8_5_3() throws Exception {
        FakeCpu cpu = stack(0.0, 7.0);
        fcw(cpu, 0x037B);                                       // ZM clear
        run(cpu, 0xDE, 0xF9);                                   // fdivp st(1), st(0): 0 / 7 ... no: ST(1)/ST(0) = 0/7
        assertEquals(0, fsw(cpu) & ZE);
        FakeCpu z = stack(7.0, 0.0);
        fcw(z, 0x037B);
        run(z, 0xDE, 0xF9);                                     // 7 / 0
        assertEquals(ZE | ES | B, fsw(z) & (ZE | ES | B));
        assertEquals(6, top(z), "not popped");
        assertEquals(7.0, st(z, 1));
        FakeCpu masked = stack(-7.0, 0.0);
        run(masked, 0xDE, 0xF9);
        assertEquals(Double.NEGATIVE_INFINITY, st(masked, 0));
        assertEquals(ZE, fsw(masked) & (ZE | ES));
    }

    @Test
    void fistRoundsByRcAndFisttpTruncates_sdmVol2FistFisttp() throws Exception {
        FakeCpu cpu = stack(-2.5, 2.5, 2.7);
        run(cpu, 0xDB, 0x5E, 0x00);                             // fistp dword [rsi]: 2.7 -> 3
        assertEquals(3, cpu.ram.get(GuestMemory.U32_LE, DATA));
        assertEquals(PE | C1, fsw(cpu) & (PE | C1));
        run(cpu, 0xDF, 0x56, 0x04);                             // fist word [rsi+4]: 2.5 -> 2 (even)
        assertEquals((short) 2, cpu.ram.get(GuestMemory.U16_LE, DATA + 4));
        assertEquals(6, top(cpu), "FIST does not pop");
        run(cpu, 0xDD, 0x4E, 0x08);                             // fisttp qword [rsi+8]: 2.5 -> 2
        assertEquals(2L, cpu.ram.get(GuestMemory.U64_LE, DATA + 8));
        fcw(cpu, 0x037F | 1 << 10);                             // RC = down
        run(cpu, 0xDF, 0x7E, 0x10);                             // fistp qword [rsi+0x10]: -2.5 -> -3
        assertEquals(-3L, cpu.ram.get(GuestMemory.U64_LE, DATA + 0x10));
        assertEquals(0, tags(cpu));
    }

    @Test
    void fistOutOfRangeStoresTheIntegerIndefiniteWhenMasked() throws Exception {
        FakeCpu cpu = stack(40000.0);
        run(cpu, 0xDF, 0x5E, 0x00);                             // fistp word [rsi]
        assertEquals((short) 0x8000, cpu.ram.get(GuestMemory.U16_LE, DATA));
        assertEquals(IE, fsw(cpu) & (IE | SF));
        FakeCpu unmasked = stack(40000.0);
        fcw(unmasked, 0x037E);
        unmasked.ram.set(GuestMemory.U16_LE, DATA, (short) 0x1234);
        run(unmasked, 0xDF, 0x5E, 0x00);
        assertEquals((short) 0x1234, unmasked.ram.get(GuestMemory.U16_LE, DATA), "unchanged");
        assertEquals(7, top(unmasked), "not popped");
        assertEquals(IE | ES | B, fsw(unmasked) & (IE | ES | B));
    }

    @Test
    void fstM64RoundsAndUnmaskedOverflowStoresNothing_sdmVol1_8_5_4() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = DATA;
        cpu.ram.set(GuestMemory.U64_LE, DATA, Long.MAX_VALUE);  // 2^63 - 1: 63 significant bits
        run(cpu, 0xDF, 0x2E);                                   // fild qword [rsi]
        run(cpu, 0xDD, 0x56, 0x08);                             // fst qword [rsi+8]
        assertEquals(0x1p63, Double.longBitsToDouble(cpu.ram.get(GuestMemory.U64_LE, DATA + 8)));
        assertEquals(PE | C1, fsw(cpu) & (PE | C1));
        // 1e300 * 1e300 in extended, then FSTP m64 with OM clear
        FakeCpu big = stack(1e300, 1e300);
        run(big, 0xDE, 0xC9);                                   // fmulp: fits double extended
        fcw(big, 0x0377);
        big.ram.set(GuestMemory.U64_LE, DATA + 8, 42L);
        run(big, 0xDD, 0x5E, 0x08);
        assertEquals(42L, big.ram.get(GuestMemory.U64_LE, DATA + 8), "destination unchanged");
        assertEquals(OE | ES | B, fsw(big) & (OE | ES | B));
        assertEquals(7, top(big), "not popped");
        fcw(big, 0x037F);
        big.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) (fsw(big) & ~(OE | ES | B | PE)));
        run(big, 0xDD, 0x5E, 0x08);                             // masked: infinity
        assertEquals(Double.POSITIVE_INFINITY, Double.longBitsToDouble(big.ram.get(GuestMemory.U64_LE, DATA + 8)));
        assertEquals(OE | PE, fsw(big) & (OE | PE));
    }

    @Test
    void unmaskedOverflowToARegisterStoresTheWrappedResultAndFaultsAtTheNextWaitingInstruction_sdmVol1_8_5_4() throws Exception {
        FakeCpu cpu = stack(0x1p1000);
        for (int k = 0; k < 4; k++) run(cpu, 0xD8, 0xC8);      // fmul st(0), st(0): 2^16000
        fcw(cpu, 0x0377);                                       // OM clear
        run(cpu, 0xD8, 0xC8);                                   // 2^32000: beyond double extended
        assertEquals(new ExtendedReal(32000 - 24576 + ExtendedReal.BIAS, ExtendedReal.INTEGER_BIT), raw(cpu, 0),
                "the exact product with its exponent reduced by 24576");
        assertEquals(OE | ES | B, fsw(cpu) & (0x3F | ES | B));
        long rip = cpu.rip;
        run(cpu, 0xD8, 0xC8);
        assertEquals(GuestFault.MF, cpu.raisedVector, "#MF at the next waiting x87 instruction");
        assertEquals(rip, cpu.rip, "a fault: the instruction is not carried out");
    }

    @Test
    void fpremOfATinyRemainder_umMaskedGivesTheDenormal_umClearRaisesUeWithTheWrappedResult_sdmVol2Fprem() throws Exception {
        // ST(0) = 1.5 * 2^-16382, ST(1) = 2^-16382 (the smallest normal): the remainder 2^-16383 is tiny.
        ExtendedReal minNormal = new ExtendedReal(1, ExtendedReal.INTEGER_BIT);
        ExtendedReal dividend = new ExtendedReal(1, 0xC000_0000_0000_0000L);
        for (int fcw : new int[] {0x037F, 0x036F}) {
            FakeCpu cpu = new FakeCpu();
            cpu.gpr[Registers.RSI] = DATA;
            for (ExtendedReal v : new ExtendedReal[] {minNormal, dividend}) {
                cpu.ram.set(GuestMemory.U64_LE, DATA, v.significand());
                cpu.ram.set(GuestMemory.U16_LE, DATA + 8, (short) v.signExponent());
                run(cpu, 0xDB, 0x2E);                           // fld tbyte [rsi]
            }
            fcw(cpu, fcw);
            run(cpu, 0xD9, 0xF8);                               // fprem: quotient 1
            if (fcw == 0x037F) {
                assertEquals(new ExtendedReal(0, 0x4000_0000_0000_0000L), raw(cpu, 0), "exact denormal");
                assertEquals(C1, fsw(cpu) & (0x3F | CONDITION | ES), "exact: no UE; q0 -> C1");
            } else {
                assertEquals(new ExtendedReal(-16383 + 24576 + ExtendedReal.BIAS, ExtendedReal.INTEGER_BIT), raw(cpu, 0),
                        "exponent raised by 24576");
                assertEquals(UE | ES | C1, fsw(cpu) & (0x3F | CONDITION | ES));
            }
        }
    }

    @Test
    void fcomFamilySetsC3C2C0AndPops_sdmVol2Fcom() throws Exception {
        FakeCpu cpu = stack(8.0, 2.0);
        run(cpu, 0xD8, 0xD1);                                   // fcom st(1): 2 < 8
        assertEquals(C0, fsw(cpu) & (C0 | C1 | C2 | C3));
        cpu.ram.set(GuestMemory.U32_LE, DATA, Float.floatToRawIntBits(2.0f));
        run(cpu, 0xD8, 0x16);                                   // fcom dword [rsi]: equal
        assertEquals(C3, fsw(cpu) & (C0 | C1 | C2 | C3));
        cpu.ram.set(GuestMemory.U16_LE, DATA, (short) 1);
        run(cpu, 0xDE, 0x16);                                   // ficom word [rsi]: greater
        assertEquals(0, fsw(cpu) & (C0 | C1 | C2 | C3));
        assertEquals(6, top(cpu));
        run(cpu, 0xDE, 0xD9);                                   // fcompp
        assertEquals(0, top(cpu));
        assertEquals(0, tags(cpu));
        assertEquals(C0, fsw(cpu) & (C0 | C1 | C2 | C3));
    }

    @Test
    void fucomOfAQnanIsUnorderedWithoutIeFcomRaisesIe() throws Exception {
        FakeCpu cpu = stack(Double.NaN, 1.0);
        run(cpu, 0xDD, 0xE1);                                   // fucom st(1)
        assertEquals(C3 | C2 | C0, fsw(cpu) & (C0 | C2 | C3));
        assertEquals(0, fsw(cpu) & IE);
        run(cpu, 0xD8, 0xD9);                                   // fcomp st(1)
        assertEquals(C3 | C2 | C0, fsw(cpu) & (C0 | C2 | C3));
        assertEquals(IE, fsw(cpu) & IE);
        assertEquals(7, top(cpu));
        FakeCpu unmasked = stack(Double.NaN, 1.0);
        fcw(unmasked, 0x037E);
        run(unmasked, 0xDA, 0xE9);                              // fucompp: QNaN, no IE: pops both
        assertEquals(0, top(unmasked));
        FakeCpu unmaskedFcom = stack(Double.NaN, 1.0);
        fcw(unmaskedFcom, 0x037E);
        run(unmaskedFcom, 0xDE, 0xD9);                          // fcompp: IE unmasked: nothing popped
        assertEquals(6, top(unmaskedFcom));
        assertEquals(IE | ES | B, fsw(unmaskedFcom) & (IE | ES | B));
    }

    @Test
    void ftstAndFxam_sdmVol2() throws Exception {
        FakeCpu cpu = stack(-1.5);
        run(cpu, 0xD9, 0xE4);
        assertEquals(C0, fsw(cpu) & (C0 | C1 | C2 | C3), "-1.5 < 0");
        run(cpu, 0xD9, 0xE5);
        assertEquals(C2 | C1, fsw(cpu) & (C0 | C1 | C2 | C3), "negative normal");
        double[] values = {0.0, Double.POSITIVE_INFINITY, Double.NaN};
        int[] codes = {C3, C2 | C0, C0};
        for (int k = 0; k < values.length; k++) {
            FakeCpu c = stack(values[k]);
            run(c, 0xD9, 0xE5);
            assertEquals(codes[k], fsw(c) & (C0 | C1 | C2 | C3), "FXAM of " + values[k]);
        }
        FakeCpu empty = new FakeCpu();
        run(empty, 0xD9, 0xE5);
        assertEquals(C3 | C0, fsw(empty) & (C0 | C2 | C3), "empty");
    }

    @Test
    void fchsFabsFxchFldStiFstSti() throws Exception {
        FakeCpu cpu = stack(4.0, -3.0);
        run(cpu, 0xD9, 0xE1);
        assertEquals(3.0, st(cpu, 0));
        run(cpu, 0xD9, 0xE0);
        assertEquals(-3.0, st(cpu, 0));
        run(cpu, 0xD9, 0xC1);                                   // fld st(1)
        assertEquals(4.0, st(cpu, 0));
        assertEquals(-3.0, st(cpu, 1));
        assertEquals(5, top(cpu));
        run(cpu, 0xDD, 0xD2);                                   // fst st(2)
        assertEquals(4.0, st(cpu, 2));
        run(cpu, 0xD9, 0xCA);                                   // fxch st(2)
        run(cpu, 0xDD, 0xD8);                                   // fstp st(0): just a pop
        assertEquals(6, top(cpu));
        assertEquals(-3.0, st(cpu, 0));
    }

    @Test
    void fcmovTestsEflags_sdmVol2Fcmovcc() throws Exception {
        long cf = CpuState.RFLAGS_CF, zf = CpuState.RFLAGS_ZF, pf = CpuState.RFLAGS_PF;
        // {opcode, modrm, flags, moves?}
        Object[][] cases = {
                {0xDA, 0xC1, cf, true}, {0xDA, 0xC1, 0L, false},          // FCMOVB
                {0xDA, 0xC9, zf, true}, {0xDA, 0xC9, cf, false},          // FCMOVE
                {0xDA, 0xD1, zf, true}, {0xDA, 0xD1, pf, false},          // FCMOVBE
                {0xDA, 0xD9, pf, true}, {0xDA, 0xD9, cf | zf, false},     // FCMOVU
                {0xDB, 0xC1, 0L, true}, {0xDB, 0xC1, cf, false},          // FCMOVNB
                {0xDB, 0xC9, cf, true}, {0xDB, 0xC9, zf, false},          // FCMOVNE
                {0xDB, 0xD1, pf, true}, {0xDB, 0xD1, zf, false},          // FCMOVNBE
                {0xDB, 0xD9, cf | zf, true}, {0xDB, 0xD9, pf, false}};    // FCMOVNU
        for (Object[] c : cases) {
            FakeCpu cpu = stack(9.0, 1.0);
            cpu.rflags = 2 | (Long) c[2];
            DecodedInstruction insn = run(cpu, (Integer) c[0], (Integer) c[1]);
            assertEquals((Boolean) c[3] ? 9.0 : 1.0, st(cpu, 0), insn + " flags " + c[2]);
        }
    }

    @Test
    void constantsRoundByRcNotPc_sdmVol1_8_3_8() throws Exception {
        FakeCpu cpu = new FakeCpu();
        fcw(cpu, 0x027F);
        run(cpu, 0xD9, 0xEB);
        assertEquals(new ExtendedReal(0x4000, 0xC90F_DAA2_2168_C235L), raw(cpu, 0), "pi to nearest, PC ignored");
        fcw(cpu, 0x077F);                                       // RC down
        run(cpu, 0xD9, 0xEB);
        assertEquals(0xC90F_DAA2_2168_C234L, raw(cpu, 0).significand());
        run(cpu, 0xD9, 0xE9);                                   // fldl2t, down: the nearest value
        assertEquals(0xD49A_784B_CD1B_8AFEL, raw(cpu, 0).significand());
        fcw(cpu, 0x0B7F);                                       // RC up
        run(cpu, 0xD9, 0xE9);
        assertEquals(0xD49A_784B_CD1B_8AFFL, raw(cpu, 0).significand());
        run(cpu, 0xD9, 0xEA);
        assertEquals(new ExtendedReal(0x3FFF, 0xB8AA_3B29_5C17_F0BCL), raw(cpu, 0));
        run(cpu, 0xD9, 0xEC);
        assertEquals(new ExtendedReal(0x3FFD, 0x9A20_9A84_FBCF_F799L), raw(cpu, 0));
        run(cpu, 0xD9, 0xED);
        assertEquals(new ExtendedReal(0x3FFE, 0xB172_17F7_D1CF_79ACL), raw(cpu, 0));
        assertEquals(0, fsw(cpu) & (PE | C1));
    }

    @Test
    void ffreeFincstpFdecstpFnop() throws Exception {
        FakeCpu cpu = stack(1.0, 2.0);
        run(cpu, 0xDD, 0xC1);                                   // ffree st(1)
        assertEquals(1 << 6, tags(cpu));
        assertEquals(6, top(cpu));
        run(cpu, 0xD9, 0xF7);                                   // fincstp
        assertEquals(7, top(cpu));
        assertEquals(1 << 6, tags(cpu), "tags unchanged");
        assertEquals(1.0, st(cpu, 0), "R7 keeps its contents");
        run(cpu, 0xD9, 0xF6);
        run(cpu, 0xD9, 0xF6);                                   // fdecstp twice
        assertEquals(5, top(cpu));
        run(cpu, 0xD9, 0xD0);                                   // fnop
        assertEquals(5, top(cpu));
    }

    @Test
    void fldM80AndFstpM80CopyTheRegister() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = DATA;
        cpu.ram.set(GuestMemory.U64_LE, DATA, 0x8000_0000_0000_0001L); // a signalling-looking pattern kept as is
        cpu.ram.set(GuestMemory.U16_LE, DATA + 8, (short) 0xC005);
        run(cpu, 0xDB, 0x2E);                                   // fld tbyte [rsi]
        assertEquals(new ExtendedReal(0xC005, 0x8000_0000_0000_0001L), raw(cpu, 0));
        run(cpu, 0xDB, 0x7E, 0x10);                             // fstp tbyte [rsi+0x10]
        assertEquals(0x8000_0000_0000_0001L, cpu.ram.get(GuestMemory.U64_LE, DATA + 0x10));
        assertEquals((short) 0xC005, cpu.ram.get(GuestMemory.U16_LE, DATA + 0x18));
        assertEquals(0, top(cpu));
        assertEquals(0, fsw(cpu) & 0x3F);
    }

    @Test
    void fsqrtAndFrndint() throws Exception {
        FakeCpu cpu = stack(2.25);
        run(cpu, 0xD9, 0xFA);
        assertEquals(1.5, st(cpu, 0));
        run(cpu, 0xD9, 0xFC);                                   // 1.5 -> 2 (nearest even)
        assertEquals(2.0, st(cpu, 0));
        assertEquals(PE | C1, fsw(cpu) & (PE | C1));
    }

    @Test
    void fscaleFxtractFpremFprem1_sdmVol2() throws Exception {
        FakeCpu cpu = stack(3.0, 1.5);
        run(cpu, 0xD9, 0xFD);                                   // fscale: 1.5 * 2^3
        assertEquals(12.0, st(cpu, 0));
        assertEquals(3.0, st(cpu, 1), "ST(1) unchanged");
        FakeCpu x = stack(-12.0);
        run(x, 0xD9, 0xF4);                                     // fxtract: -12 = -1.5 * 2^3
        assertEquals(-1.5, st(x, 0));
        assertEquals(3.0, st(x, 1));
        assertEquals(6, top(x));
        FakeCpu p = stack(3.0, 17.0);
        run(p, 0xD9, 0xF8);                                     // fprem: 17 - 5*3 = 2, quotient 101b
        assertEquals(2.0, st(p, 0));
        assertEquals(C0 | C1, fsw(p) & (C0 | C1 | C2 | C3), "q2 -> C0, q1 -> C3, q0 -> C1; complete");
        FakeCpu p1 = stack(3.0, 17.0);
        run(p1, 0xD9, 0xF5);                                    // fprem1: 17 - 6*3 = -1, quotient 110b
        assertEquals(-1.0, st(p1, 0));
        assertEquals(C0 | C3, fsw(p1) & (C0 | C1 | C2 | C3));
    }

    @Test
    void fxtractOfZeroRaisesZe() throws Exception {
        FakeCpu cpu = stack(0.0);
        run(cpu, 0xD9, 0xF4);
        assertEquals(Double.NEGATIVE_INFINITY, st(cpu, 1));
        assertEquals(0.0, st(cpu, 0));
        assertEquals(ZE, fsw(cpu) & ZE);
        FakeCpu unmasked = stack(0.0);
        fcw(unmasked, 0x037B);
        run(unmasked, 0xD9, 0xF4);
        assertEquals(7, top(unmasked), "nothing pushed");
        assertEquals(ZE | ES | B, fsw(unmasked) & (ZE | ES | B));
    }

    @Test
    void aMemoryFaultLeavesTheStackAsItWas() throws Exception {
        FakeCpu cpu = stack(1.0);
        cpu.unmappedPages.add(0x5000L);
        run(cpu, 0xDD, 0x9E, 0x00, 0x20, 0x00, 0x00);           // fstp qword [rsi+0x2000]: not mapped                                   // fstp qword [rsi]
        assertEquals(GuestFault.PF, cpu.raisedVector);
        assertEquals(7, top(cpu));
        assertEquals(1 << 7, tags(cpu));
    }

    @Test
    void fipAndFdpPointAtTheLastX87InstructionAndOperand_sdmVol1_8_1_8() throws Exception {
        FakeCpu cpu = stack(2.0);
        long rip = cpu.rip;
        run(cpu, 0xD8, 0x4E, 0x08);                             // fmul dword [rsi+8]
        assertEquals(rip, cpu.image.get(GuestMemory.U64_LE, X87Control.FIP));
        assertEquals(DATA + 8, cpu.image.get(GuestMemory.U64_LE, X87Control.FDP));
        run(cpu, 0xD9, 0xE0);                                   // fchs: FDP kept
        assertEquals(rip + 3, cpu.image.get(GuestMemory.U64_LE, X87Control.FIP));
        assertEquals(DATA + 8, cpu.image.get(GuestMemory.U64_LE, X87Control.FDP));
    }

    @Test
    void fopTakesTheOpcodeOfAnInstructionThatLeavesAnUnmaskedExceptionPending_sdmVol1_8_1_9() throws Exception {
        FakeCpu cpu = stack(7.0, 0.0);
        run(cpu, 0xDE, 0xF9);                                   // fdivp, ZE masked: FOP stays as FNINIT left it
        assertEquals(0, cpu.image.get(GuestMemory.U16_LE, X87Control.FOP));
        FakeCpu z = stack(7.0, 0.0);
        fcw(z, 0x037B);                                         // ZM clear
        run(z, 0xDE, 0xF9);                                     // 7 / 0: FOP = (DE & 7) << 8 | F9
        assertEquals(0x6F9, z.image.get(GuestMemory.U16_LE, X87Control.FOP));
        FakeCpu m = stack(1, 2, 3, 4, 5, 6, 7, 8);
        fcw(m, 0x037E);                                         // IM clear
        run(m, 0x66, 0xDD, 0x46, 0x08);                         // fld qword [rsi+8] on a full stack, 66h prefix: not part of FOP
        assertEquals(0x546, m.image.get(GuestMemory.U16_LE, X87Control.FOP), "the ModRM byte, mod and r/m included");
    }

    @Test
    void fbstpRoundsByRcAndFbldLoadsPackedBcd_sdmVol2FbldFbstp() throws Exception {
        FakeCpu cpu = stack(-1234.5);
        run(cpu, 0xDF, 0x36);                                   // fbstp [rsi]: -1234 (nearest even)
        assertEquals(0x1234L, cpu.ram.get(GuestMemory.U64_LE, DATA));
        assertEquals((short) 0x8000, cpu.ram.get(GuestMemory.U16_LE, DATA + 8));
        assertEquals(PE, fsw(cpu) & (PE | C1));
        assertEquals(0, top(cpu));
        cpu.ram.set(GuestMemory.U64_LE, DATA + 0x10, 0x9876_5432_1098_7654L);
        cpu.ram.set(GuestMemory.U16_LE, DATA + 0x18, (short) 0x0032);
        run(cpu, 0xDF, 0x66, 0x10);                             // fbld [rsi+0x10]: 329876543210987654
        run(cpu, 0xDF, 0x7E, 0x20);                             // fistp qword [rsi+0x20]
        assertEquals(329_876_543_210_987_654L, cpu.ram.get(GuestMemory.U64_LE, DATA + 0x20));
        FakeCpu big = stack(1e18);
        run(big, 0xDF, 0x36);
        assertEquals(0xC000_0000_0000_0000L, big.ram.get(GuestMemory.U64_LE, DATA), "the BCD indefinite");
        assertEquals((short) 0xFFFF, big.ram.get(GuestMemory.U16_LE, DATA + 8));
        assertEquals(IE, fsw(big) & (IE | PE));
    }

    @Test
    void lockAndCr0TsAreFaults() throws Exception {
        FakeCpu cpu = stack(1.0);
        run(cpu, 0xF0, 0xD9, 0xE0);
        assertEquals(GuestFault.UD, cpu.raisedVector);
        FakeCpu ts = stack(1.0);
        ts.cr0 |= CpuState.CR0_TS;
        run(ts, 0xD8, 0xC0);
        assertEquals(GuestFault.NM, ts.raisedVector);
    }
}
