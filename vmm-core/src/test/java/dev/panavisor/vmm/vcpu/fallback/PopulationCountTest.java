package dev.panavisor.vmm.vcpu.fallback;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static org.junit.jupiter.api.Assertions.*;

/** SDM vol. 2, POPCNT. */
class PopulationCountTest {
    @Test
    void countsA64BitRegisterAndAdvancesRip() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RBX] = 0xF0F0_0000_0000_00FFL;
        cpu.rflags = 0x2 | CpuState.RFLAGS_CF | CpuState.RFLAGS_ZF | CpuState.RFLAGS_SF;
        run(cpu, 0xF3, 0x48, 0x0F, 0xB8, 0xC3);
        assertEquals(16, cpu.gpr[Registers.RAX]);
        assertEquals(0x2, cpu.rflags, "OF, SF, ZF, AF, CF, PF cleared; ZF only when the source is 0");
        assertEquals(0x1005, cpu.rip);
    }

    @Test
    void zeroSourceSetsZf() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RAX] = 99;
        run(cpu, 0xF3, 0x48, 0x0F, 0xB8, 0xC3);
        assertEquals(0, cpu.gpr[Registers.RAX]);
        assertEquals(0x2 | CpuState.RFLAGS_ZF, cpu.rflags);
    }

    @Test
    void thirtyTwoBitFormIgnoresUpperSourceBitsAndZeroExtendsTheDestination() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RBX] = 0xFFFF_FFFF_0000_0003L;
        cpu.gpr[Registers.RAX] = -1;
        run(cpu, 0xF3, 0x0F, 0xB8, 0xC3);
        assertEquals(2, cpu.gpr[Registers.RAX]);
    }

    @Test
    void sixteenBitFormKeepsTheDestinationsUpperBits() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RBX] = 0xFFFF_0007L;
        cpu.gpr[Registers.RAX] = 0x1234_5678_9ABC_DEF0L;
        run(cpu, 0x66, 0xF3, 0x0F, 0xB8, 0xC3);
        assertEquals(0x1234_5678_9ABC_0003L, cpu.gpr[Registers.RAX]);
    }

    @Test
    void memorySourceThroughRsi() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.ram.set(dev.panavisor.vmm.memory.GuestMemory.U64_LE, 0x3000, 0xF0F0L);
        cpu.gpr[Registers.RSI] = 0x3000;
        run(cpu, 0xF3, 0x48, 0x0F, 0xB8, 0x06);
        assertEquals(8, cpu.gpr[Registers.RAX]);
    }

    @Test
    void unmappedMemorySourceRaisesPageFaultWithCr2AndLeavesRip_sdmVol3_4_7() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.unmappedPages.add(0x5000L);
        cpu.gpr[Registers.RSI] = 0x5008;
        cpu.cpl = 3;
        run(cpu, 0xF3, 0x48, 0x0F, 0xB8, 0x06);
        assertEquals(GuestFault.PF, cpu.raisedVector);
        assertEquals(4, cpu.raisedError, "not present, read, user mode");
        assertEquals(0x5008, cpu.cr2);
        assertEquals(0x1000, cpu.rip);
    }

    @Test
    void lockPrefixRaisesUd() throws Exception {
        FakeCpu cpu = new FakeCpu();
        run(cpu, 0xF0, 0xF3, 0x48, 0x0F, 0xB8, 0xC3);
        assertEquals(GuestFault.UD, cpu.raisedVector);
        assertEquals(0x1000, cpu.rip);
    }

    @Test
    void withoutCpuidPopcntRaisesUd() throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.clearFeature(1, 0, CpuFeatures.ECX, 23);
        run(cpu, 0xF3, 0x48, 0x0F, 0xB8, 0xC3);
        assertEquals(GuestFault.UD, cpu.raisedVector);
    }

    @Test
    void memoryOutsideRamStopsTheVm() {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RSI] = 0x4000_0000L;
        EmulationRefused e = assertThrows(EmulationRefused.class, () -> run(cpu, 0xF3, 0x48, 0x0F, 0xB8, 0x06));
        assertTrue(e.getMessage().contains("not guest RAM"), e.getMessage());
        assertTrue(e.getMessage().startsWith("popcnt"), e.getMessage());
    }

    @Property(tries = 500)
    void agreesWithLongBitCountForEveryOperandSize(@ForAll long source) throws Exception {
        FakeCpu cpu = new FakeCpu();
        cpu.gpr[Registers.RCX] = source;
        run(cpu, 0xF3, 0x48, 0x0F, 0xB8, 0xD1);
        assertEquals(Long.bitCount(source), cpu.gpr[Registers.RDX]);
        run(cpu, 0xF3, 0x0F, 0xB8, 0xD1);
        assertEquals(Integer.bitCount((int) source), cpu.gpr[Registers.RDX]);
        run(cpu, 0x66, 0xF3, 0x0F, 0xB8, 0xD1);
        assertEquals(Long.bitCount(source & 0xFFFF), cpu.gpr[Registers.RDX] & 0xFFFF);
        assertEquals((source & 0xFFFF) == 0, (cpu.rflags & CpuState.RFLAGS_ZF) != 0);
    }
}
