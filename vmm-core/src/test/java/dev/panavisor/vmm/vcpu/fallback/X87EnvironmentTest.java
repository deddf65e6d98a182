package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static dev.panavisor.vmm.vcpu.fallback.X87DataTransferTest.fsw;
import static dev.panavisor.vmm.vcpu.fallback.X87DataTransferTest.tags;
import static dev.panavisor.vmm.vcpu.fallback.X87DataTransferTest.top;
import static org.junit.jupiter.api.Assertions.*;

/** FNSTENV, FLDENV, FNSAVE, FRSTOR (SDM vol. 2, their pages; vol. 1, 8.1.10, figures 8-9 and 8-10). */
class X87EnvironmentTest {
    static final int AREA = 0x3800;

    static String bytes(FakeCpu cpu, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = cpu.ram.get(java.lang.foreign.ValueLayout.JAVA_BYTE, AREA + i);
        return HexFormat.of().formatHex(b);
    }

    /** FNINIT; FLDZ; FLD m64 1.5: ST(0) = 1.5 (R6, valid), ST(1) = 0 (R7, zero). */
    static FakeCpu state() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x3000;
        cpu.gpr[Registers.RDI] = AREA;
        cpu.ram.set(GuestMemory.U64_LE, 0x3000, Double.doubleToRawLongBits(1.5));
        run(cpu, 0xDB, 0xE3);
        run(cpu, 0xD9, 0xEE);
        run(cpu, 0xDD, 0x06);
        return cpu;
    }

    @Test
    void fnstenvStoresThe28ByteEnvironmentLikeThisHostsX87() throws Exception {
        FakeCpu cpu = state();
        run(cpu, 0xD9, 0x37);                                   // fnstenv [rdi]
        // This host's x87, same sequence in 64-bit mode: 7f03ffff 0030ffff ff4fffff <FIP> 00000000 00000000 0000ffff
        // Here FIP = 0x1004 (the FLD's RIP), FDP = 0x3000 (its operand), selectors 0.
        assertEquals("7f03ffff" + "0030ffff" + "ff4fffff" + "04100000" + "00000000" + "00300000" + "0000ffff", bytes(cpu, 28));
        assertEquals(0x037F, cpu.image.get(GuestMemory.U16_LE, X87Control.FCW) & 0xFFFF, "exceptions masked (already were)");
    }

    @Test
    void fnstenvMasksEveryExceptionAfterStoring() throws Exception {
        FakeCpu cpu = state();
        cpu.image.set(GuestMemory.U16_LE, X87Control.FCW, (short) 0x0340);
        run(cpu, 0xD9, 0x37);
        assertEquals(0x0340, cpu.ram.get(GuestMemory.U16_LE, AREA) & 0xFFFF, "stored as it was");
        assertEquals(0x037F, cpu.image.get(GuestMemory.U16_LE, X87Control.FCW) & 0xFFFF);
    }

    @Test
    void fnsaveStoresTheRegistersInStackOrderThenInitialises() throws Exception {
        FakeCpu cpu = state();
        run(cpu, 0xDD, 0x37);                                   // fnsave [rdi]
        assertEquals(0xC000_0000_0000_0000L, cpu.ram.get(GuestMemory.U64_LE, AREA + 28), "ST(0) = 1.5");
        assertEquals((short) 0x3FFF, cpu.ram.get(GuestMemory.U16_LE, AREA + 36));
        assertEquals(0L, cpu.ram.get(GuestMemory.U64_LE, AREA + 38), "ST(1) = +0");
        assertEquals(0x037F, cpu.image.get(GuestMemory.U16_LE, X87Control.FCW) & 0xFFFF);
        assertEquals(0, fsw(cpu));
        assertEquals(0, tags(cpu));
        run(cpu, 0xDD, 0x27);                                   // frstor [rdi]
        assertEquals(6, top(cpu));
        assertEquals(0xC0, tags(cpu));
        assertEquals(1.5, X87OperationsTest.st(cpu, 0));
        assertEquals(0.0, X87OperationsTest.st(cpu, 1));
    }

    @Test
    void fldenvLoadsTheAbridgedTagsAndAPendingExceptionIsReportedByTheNextWaitingInstruction() throws Exception {
        FakeCpu cpu = state();
        run(cpu, 0xD9, 0x37);
        cpu.ram.set(GuestMemory.U16_LE, AREA, (short) 0x037E);        // IM clear
        cpu.ram.set(GuestMemory.U16_LE, AREA + 4, (short) 0x8081);    // IE, ES, B pending
        cpu.ram.set(GuestMemory.U16_LE, AREA + 8, (short) 0x8FFF);    // R7 special, R6 valid: only empty/not empty kept
        run(new InstructionEmulator(), cpu, 0xD9, 0x27);              // fldenv [rdi]
        assertEquals(-1, cpu.raisedVector, "FLDENV itself does not check");
        assertEquals(0xC0, tags(cpu));
        assertEquals(0x037E, cpu.image.get(GuestMemory.U16_LE, X87Control.FCW) & 0xFFFF);
        run(cpu, 0xD9, 0xE0);                                         // fchs
        assertEquals(GuestFault.MF, cpu.raisedVector);
    }

    @Test
    void sixteenBitOperandSizeUsesThe14ByteEnvironment() throws Exception {
        FakeCpu cpu = state();
        cpu.ram.set(GuestMemory.U64_LE, AREA + 8, -1L);
        run(cpu, 0x66, 0xD9, 0x37);                                   // fnstenv (o16) [rdi]
        assertEquals("7f03" + "0030" + "ff4f" + "0410" + "0000" + "0030" + "0000" + "ffff", bytes(cpu, 16), "14 bytes, then untouched");
        cpu.ram.set(GuestMemory.U16_LE, AREA + 4, (short) 0xFFFF);    // all empty
        run(cpu, 0x66, 0xD9, 0x27);
        assertEquals(0, tags(cpu));
    }

    @Test
    void realModeFormatsStopTheVm() throws Exception {
        FakeCpu cpu = state();
        cpu.cr0 &= ~CpuState.CR0_PE;
        assertThrows(EmulationRefused.class, () -> run(cpu, 0xD9, 0x37));
    }
}
