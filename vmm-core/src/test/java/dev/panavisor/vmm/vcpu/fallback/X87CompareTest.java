package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** FLDZ, FLD1 and FCOMI/FCOMIP/FUCOMI/FUCOMIP (SDM vol. 2, those pages; table "FCOMI/FCOMIP/FUCOMI/FUCOMIP Results"). */
class X87CompareTest {
    static final long ZPC = CpuState.RFLAGS_ZF | CpuState.RFLAGS_PF | CpuState.RFLAGS_CF;

    static void loadDouble(FakeCpu cpu, double d) throws Exception {
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, Double.doubleToRawLongBits(d));
        run(cpu, 0xDD, 0x06); // fld qword [rsi]
    }

    static long flags(FakeCpu cpu) { return cpu.rflags & (ZPC | CpuState.RFLAGS_OF | CpuState.RFLAGS_SF | CpuState.RFLAGS_AF); }

    @Test
    void ovmfDxeFldzFcomipComparesAgainstZeroAndPops() throws Exception {
        // OVMF DXE: fld qword [...]; fldz; fcomip st(0), st(1); ja ...
        FakeCpu cpu = new FakeCpu();
        cpu.rflags |= CpuState.RFLAGS_OF | CpuState.RFLAGS_SF | CpuState.RFLAGS_AF;
        loadDouble(cpu, 2.5);
        assertEquals(InstructionKind.FLDZ, run(cpu, 0xD9, 0xEE).kind());
        DecodedInstruction insn = run(cpu, 0xDF, 0xF1);
        assertEquals(InstructionKind.FCOMIP, insn.kind());
        assertEquals(CpuState.RFLAGS_CF, flags(cpu), "0 < 2.5: CF only; OF SF AF cleared");
        assertEquals(7, X87DataTransferTest.top(cpu), "FCOMIP popped the zero, 2.5 stays");
        assertEquals(1 << 7, X87DataTransferTest.tags(cpu));
    }

    @Property(tries = 400)
    void fcomiOrdersLikeJavaDoubles(@ForAll double a, @ForAll double b) throws Exception {
        if (Double.isNaN(a) || Double.isNaN(b)) return;
        FakeCpu cpu = new FakeCpu();
        loadDouble(cpu, b);
        loadDouble(cpu, a);          // ST(0) = a, ST(1) = b
        run(cpu, 0xDB, 0xF1);        // fcomi st(0), st(1)
        long expected = a > b ? 0 : a < b ? CpuState.RFLAGS_CF : CpuState.RFLAGS_ZF;
        assertEquals(expected, flags(cpu), a + " vs " + b);
    }

    @Test
    void plusAndMinusZeroAreEqual() throws Exception {
        FakeCpu cpu = new FakeCpu();
        loadDouble(cpu, -0.0);
        run(cpu, 0xD9, 0xEE);
        run(cpu, 0xDB, 0xE9);        // fucomi st(0), st(1)
        assertEquals(CpuState.RFLAGS_ZF, flags(cpu));
    }

    @Test
    void fld1LoadsOne() throws Exception {
        FakeCpu cpu = new FakeCpu();
        run(cpu, 0xD9, 0xE8);
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0xDD, 0x5E, 0x08);
        assertEquals(1.0, Double.longBitsToDouble(cpu.ram.get(GuestMemory.U64_LE, 0x3008)));
    }

    @Test
    void fucomiOfAQnanIsUnorderedWithoutIeButFcomiRaisesIe() throws Exception {
        FakeCpu cpu = new FakeCpu();
        loadDouble(cpu, Double.NaN);
        run(cpu, 0xD9, 0xEE);
        run(cpu, 0xDB, 0xE9);
        assertEquals(ZPC, flags(cpu));
        assertEquals(0, X87DataTransferTest.fsw(cpu) & 1);
        run(cpu, 0xDB, 0xF1);
        assertEquals(ZPC, flags(cpu));
        assertEquals(1, X87DataTransferTest.fsw(cpu) & 1, "masked IE is flagged");
    }

    @Test
    void anEmptyOperandIsAStackUnderflow_maskedUnordered() throws Exception {
        FakeCpu cpu = new FakeCpu();
        run(cpu, 0xD9, 0xEE);        // only ST(0) valid
        run(cpu, 0xDB, 0xF3);        // fcomi st(0), st(3): empty
        assertEquals(ZPC, flags(cpu));
        assertEquals(0x41, X87DataTransferTest.fsw(cpu) & 0x41, "IE and SF");
    }

    @Test
    void anUnmaskedInvalidOperationChangesOnlyTheStatusWord() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x037E);
        run(cpu, 0xD9, 0xEE);
        long before = cpu.rflags;
        run(cpu, 0xDF, 0xF3);                 // fcomip st(0), st(3): ST(3) empty
        assertEquals(before, cpu.rflags, "EFLAGS unchanged");
        assertEquals(7, X87DataTransferTest.top(cpu), "not popped");
        assertEquals(0x80C1, X87DataTransferTest.fsw(cpu) & 0x80C1, "IE, SF, ES, B");
        run(cpu, 0xDB, 0xF0);                 // the next waiting x87 instruction
        assertEquals(GuestFault.MF, cpu.raisedVector);
    }
}
