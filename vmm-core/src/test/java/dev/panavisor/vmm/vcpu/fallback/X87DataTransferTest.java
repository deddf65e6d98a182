package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** FILD, FLD and FST/FSTP to memory (SDM vol. 2, FILD, FLD and FST/FSTP; vol. 1, 8.1 and 8.5.1.1), carried out by X87Operations. */
class X87DataTransferTest {
    static int top(FakeCpu cpu) { return (cpu.image.get(GuestMemory.U16_LE, X87Control.FSW) >> 11) & 7; }
    static int tags(FakeCpu cpu) { return cpu.image.get(ValueLayout.JAVA_BYTE, X87Control.FTW) & 0xFF; }
    static int fsw(FakeCpu cpu) { return cpu.image.get(GuestMemory.U16_LE, X87Control.FSW) & 0xFFFF; }

    @Test
    void ovmfDxeFildM32ThenFstpM64StoresTheIntegerAsADouble() throws Exception {
        // The sequence OVMF's DXE phase stopped on: fild dword [rsp+0x1c]; fstp qword [rsp]
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSP] = 0x5000;
        cpu.ram.set(GuestMemory.U32_LE, 0x501C, -1234567);
        DecodedInstruction fild = run(cpu, 0xDB, 0x44, 0x24, 0x1C);
        assertEquals(InstructionKind.FILD32, fild.kind());
        assertEquals(7, top(cpu), "push decrements TOP");
        assertEquals(1 << 7, tags(cpu), "R7 now valid");
        DecodedInstruction fstp = run(cpu, 0xDD, 0x1C, 0x24);
        assertEquals(InstructionKind.FSTP64, fstp.kind());
        assertEquals(-1234567.0, Double.longBitsToDouble(cpu.ram.get(GuestMemory.U64_LE, 0x5000)));
        assertEquals(0, top(cpu), "pop increments TOP");
        assertEquals(0, tags(cpu), "R7 empty again");
        assertEquals(0x1000 + 4 + 3, cpu.rip);
    }

    @Property(tries = 300)
    void fildM64ThenFstM64IsExactForValuesDoubleCanHold(@ForAll int high, @ForAll byte shift) throws Exception {
        long value = (long) high << (Math.abs(shift) % 32); // at most 32 significant bits: exact in binary64
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, value);
        run(cpu, 0xDF, 0x2E);             // fild qword [rsi]
        run(cpu, 0xDD, 0x56, 0x08);       // fst qword [rsi+8]
        assertEquals((double) value, Double.longBitsToDouble(cpu.ram.get(GuestMemory.U64_LE, 0x3008)));
        assertEquals(7, top(cpu), "FST does not pop");
    }

    @Test
    void fildM16SignExtendsAndFstpM32StoresSinglePrecision() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U16_LE, 0x3000, (short) -300);
        run(cpu, 0xDF, 0x06);             // fild word [rsi]
        run(cpu, 0xD9, 0x5E, 0x04);       // fstp dword [rsi+4]
        assertEquals(-300.0f, Float.intBitsToFloat(cpu.ram.get(GuestMemory.U32_LE, 0x3004)));
        run(cpu, 0xDF, 0x06);
        run(cpu, 0xD9, 0x56, 0x08);       // fst dword [rsi+8]
        assertEquals(-300.0f, Float.intBitsToFloat(cpu.ram.get(GuestMemory.U32_LE, 0x3008)));
    }

    @Test
    void fildOfZeroLoadsPositiveZero() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0xDB, 0x06);
        run(cpu, 0xDD, 0x5E, 0x08);
        assertEquals(0L, cpu.ram.get(GuestMemory.U64_LE, 0x3008));
    }

    @Test
    void fildMinimumInt64IsExact() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, Long.MIN_VALUE);
        run(cpu, 0xDF, 0x2E);
        run(cpu, 0xDD, 0x5E, 0x08);
        assertEquals((double) Long.MIN_VALUE, Double.longBitsToDouble(cpu.ram.get(GuestMemory.U64_LE, 0x3008)));
    }

    @Test
    void aStoreThatRoundsRoundsToNearestEvenAndSetsPe_sdmVol1_4_8_4() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U32_LE, 0x3000, 16_777_217); // 2^24 + 1 does not fit binary32
        run(cpu, 0xDB, 0x06);
        run(cpu, 0xD9, 0x5E, 0x04);  // fstp dword [rsi+4]
        assertEquals(16_777_216.0f, Float.intBitsToFloat(cpu.ram.get(GuestMemory.U32_LE, 0x3004)), "tie to even: down");
        assertEquals(X87Operations.PE, fsw(cpu) & (X87Operations.PE | X87Operations.C1), "PE, C1 = 0: rounded down");
        assertEquals(0, top(cpu), "popped");
    }

    @Test
    void maskedStackUnderflowStoresTheIndefiniteAndSetsIeSf_sdmVol1_8_5_1_1() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0xDD, 0x5E, 0x08);  // fstp with an empty stack
        assertEquals(0xFFF8_0000_0000_0000L, cpu.ram.get(GuestMemory.U64_LE, 0x3008));
        assertEquals(0x41, fsw(cpu) & 0x41, "IE and SF");
        assertEquals(1, top(cpu), "still pops");
    }

    @Test
    void unmaskedStackOverflowChangesNothingButTheStatusWord() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x037E); // IM clear
        cpu.image.set(ValueLayout.JAVA_BYTE, X87Control.FTW, (byte) 0xFF);  // every register in use
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0xDB, 0x06);
        assertEquals(0x82C1, fsw(cpu) & 0x82C1, "IE, SF, C1, ES, B");
        assertEquals(0, top(cpu));
    }

    @Test
    void x87DataTransferRaisesNmWithTsOrEm() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.cr0 |= CpuState.CR0_TS;
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0xDB, 0x06);
        assertEquals(GuestFault.NM, cpu.raisedVector);
    }

    @Test
    void aPendingUnmaskedExceptionIsReportedFirstAsMf_sdmVol1_8_6() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x037B);
        cpu.image.set(GuestMemory.U16_LE, X87Control.FSW, (short) 0x8084);
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0xDB, 0x06);
        assertEquals(GuestFault.MF, cpu.raisedVector);
        assertEquals(0, top(cpu));
    }

    @Test
    void fstM64OfInfinityAndQnanIsExact() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY));
        cpu.ram.set(GuestMemory.U64_LE, 0x3008, 0x7FF8_0000_0000_0000L);
        run(cpu, 0xDD, 0x06);             // fld qword [rsi]
        run(cpu, 0xDD, 0x5E, 0x10);       // fstp qword [rsi+0x10]
        run(cpu, 0xDD, 0x46, 0x08);       // fld qword [rsi+8]
        run(cpu, 0xD9, 0x5E, 0x18);       // fstp dword [rsi+0x18]
        assertEquals(Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), cpu.ram.get(GuestMemory.U64_LE, 0x3010));
        assertEquals(0x7FC0_0000, cpu.ram.get(GuestMemory.U32_LE, 0x3018));
        assertEquals(0, fsw(cpu) & 0x3F, "no exception");
    }

    @Test
    void ovmfDxeFldM64ThenFstpM64CopiesADouble() throws Exception {
        // OVMF DXE: fld qword [rsp+0x40]; mov [rsp+0x10], rdi; fstp qword [rsp+0x8]
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSP] = 0x5000;
        cpu.ram.set(GuestMemory.U64_LE, 0x5040, Double.doubleToRawLongBits(-0.1));
        assertEquals(InstructionKind.FLD64, run(cpu, 0xDD, 0x44, 0x24, 0x40).kind());
        run(cpu, 0xDD, 0x5C, 0x24, 0x08);
        assertEquals(-0.1, Double.longBitsToDouble(cpu.ram.get(GuestMemory.U64_LE, 0x5008)));
        assertEquals(0, top(cpu));
    }

    @Property(tries = 500)
    void fldM64ThenFstpM64RoundTripsEveryNormalDouble(@ForAll double d) throws Exception {
        if (!Double.isFinite(d) || (d != 0 && Math.abs(d) < Double.MIN_NORMAL)) return; // denormal stores are not emulated
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, Double.doubleToRawLongBits(d));
        run(cpu, 0xDD, 0x06);         // fld qword [rsi]
        run(cpu, 0xDD, 0x5E, 0x08);   // fstp qword [rsi+8]
        assertEquals(Double.doubleToRawLongBits(d), cpu.ram.get(GuestMemory.U64_LE, 0x3008));
    }

    @Property(tries = 500)
    void fldM32ThenFstpM64WidensExactly(@ForAll float f) throws Exception {
        if (Float.isNaN(f)) return;
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U32_LE, 0x3000, Float.floatToRawIntBits(f));
        run(cpu, 0xD9, 0x06);         // fld dword [rsi] (a masked denormal operand is normalised)
        run(cpu, 0xDD, 0x5E, 0x08);
        assertEquals((double) f, Double.longBitsToDouble(cpu.ram.get(GuestMemory.U64_LE, 0x3008)));
    }

    @Test
    void fldOfAMaskedDenormalSetsDe_sdmVol1_8_5_2() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U32_LE, 0x3000, 1); // smallest binary32 denormal
        run(cpu, 0xD9, 0x06);
        assertEquals(2, fsw(cpu) & 2);
    }

    @Test
    void fldOfASignallingNanRaisesIeAndLoadsItQuieted_sdmVol2Fld() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, 0x7FF0_0000_0000_0001L);
        run(cpu, 0xDD, 0x06);
        assertEquals(7, top(cpu));
        assertEquals(1, fsw(cpu) & 1, "IE");
        assertEquals(0xC000_0000_0000_0800L, cpu.image.get(GuestMemory.U64_LE, 32), "quiet bit set, payload kept");
        FakeCpu unmasked = new FakeCpu();
        unmasked.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x037E);
        unmasked.gpr[Registers.RSI] = 0x3000;
        unmasked.ram.set(GuestMemory.U64_LE, 0x3000, 0x7FF0_0000_0000_0001L);
        run(unmasked, 0xDD, 0x06);
        assertEquals(0, top(unmasked), "nothing pushed");
        assertEquals(0x8081, fsw(unmasked) & 0x8081, "IE, ES, B");
    }

    @Test
    void fldOfADenormalWithDmClearPushesNothing_sdmVol1_8_5_2() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x037D);
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U32_LE, 0x3000, 1);
        run(cpu, 0xD9, 0x06);
        assertEquals(0, top(cpu));
        assertEquals(0x8082, fsw(cpu) & 0x8082, "DE, ES, B");
    }
}
