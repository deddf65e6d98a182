package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.panavisor.vmm.vcpu.fallback.ExecutorTestSupport.run;
import static org.junit.jupiter.api.Assertions.*;

/** SDM vol. 1, ch. 13 and vol. 2 XSAVE/XSAVEC/XRSTOR, against FakeCpu's XSAVE image. */
class ExtendedStateTest {
    private static final int AREA = 0x4000;
    private static final int[] XSAVE_RDI = {0x0F, 0xAE, 0x27};
    private static final int[] XSAVEOPT_RDI = {0x0F, 0xAE, 0x37};
    private static final int[] XRSTOR_RDI = {0x0F, 0xAE, 0x2F};
    private static final int[] XSAVEC_RDI = {0x0F, 0xC7, 0x27};
    private static final int[] XSAVES_RDI = {0x0F, 0xC7, 0x2F};

    /** x87, SSE, AVX and component 5 enabled; image with recognisable bytes in each. */
    private static FakeCpu cpu() {
        FakeCpu cpu = new FakeCpu();
        cpu.xcr0 = 0b100111;
        cpu.image.set(GuestMemory.U16_LE, 0, (short) 0x027F);
        cpu.image.set(GuestMemory.U64_LE, 32, 0x1111L);          // ST0
        cpu.image.set(GuestMemory.U64_LE, 160, 0x2222L);         // XMM0
        cpu.image.set(GuestMemory.U64_LE, 576, 0x3333L);         // YMM0_H
        cpu.image.set(GuestMemory.U64_LE, 1088, 0x5555L);        // component 5
        cpu.image.set(GuestMemory.U64_LE, 512, 0b100111L);       // XSTATE_BV: all in use
        cpu.gpr[Registers.RDI] = AREA;
        cpu.gpr[Registers.RAX] = 0xFFFF_FFFFL;
        cpu.gpr[Registers.RDX] = 0xFFFF_FFFFL;
        return cpu;
    }

    private static long mem(FakeCpu cpu, int offset) { return cpu.ram.get(GuestMemory.U64_LE, AREA + offset); }

    @Test
    void xsaveWritesEachComponentAtItsStandardOffset_sdmVol1_13_4() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, XSAVE_RDI);
        assertEquals(0x027F, mem(cpu, 0) & 0xFFFF);
        assertEquals(0x1F80, mem(cpu, 24) & 0xFFFF_FFFFL, "MXCSR");
        assertEquals(0x1111L, mem(cpu, 32));
        assertEquals(0x2222L, mem(cpu, 160));
        assertEquals(0x3333L, mem(cpu, 576));
        assertEquals(0x5555L, mem(cpu, 1088));
        assertEquals(0b100111L, mem(cpu, 512), "XSTATE_BV");
        assertEquals(0x1003, cpu.rip);
    }

    @Test
    void xsaveHonoursTheInstructionMaskAndKeepsOtherXstateBvBits_sdmVol1_13_7() throws Exception {
        FakeCpu cpu = cpu();
        cpu.ram.set(GuestMemory.U64_LE, AREA + 512, 0b100000L);  // component 5 recorded earlier
        cpu.image.set(GuestMemory.U64_LE, 512, 0b000011L);       // AVX not in use now
        cpu.gpr[Registers.RAX] = 0b000101;                       // x87 and AVX only
        cpu.gpr[Registers.RDX] = 0;
        run(cpu, XSAVE_RDI);
        assertEquals(0x1111L, mem(cpu, 32));
        assertEquals(0, mem(cpu, 160), "SSE not requested");
        assertEquals(0x1F80, mem(cpu, 24) & 0xFFFF_FFFFL, "MXCSR is saved with RFBM[2] too");
        assertEquals(0b100001L, mem(cpu, 512), "bit 0 from XINUSE, bit 2 = XINUSE[2] = 0, bit 5 untouched");
    }

    @Test
    void xsaveoptSavesLikeXsave() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, XSAVEOPT_RDI);
        assertEquals(0x3333L, mem(cpu, 576));
        assertEquals(0b100111L, mem(cpu, 512));
    }

    @Test
    void xsaveOnAMisalignedAreaRaisesGp0() throws Exception {
        FakeCpu cpu = cpu();
        cpu.gpr[Registers.RDI] = AREA + 32;
        run(cpu, XSAVE_RDI);
        assertEquals(GuestFault.GP, cpu.raisedVector);
        assertEquals(0, cpu.raisedError);
    }

    @Test
    void xsaveWithoutOsxsaveRaisesUdAndWithTsRaisesNm() throws Exception {
        FakeCpu noOs = cpu();
        noOs.cr4 &= ~CpuState.CR4_OSXSAVE;
        run(noOs, XSAVE_RDI);
        assertEquals(GuestFault.UD, noOs.raisedVector);
        FakeCpu ts = cpu();
        ts.cr0 |= CpuState.CR0_TS;
        run(ts, XSAVE_RDI);
        assertEquals(GuestFault.NM, ts.raisedVector);
        assertEquals(0, mem(ts, 0));
    }

    @Test
    void xsaveThatWouldCrossIntoAnUnmappedPageWritesNothing_sdmVol3_6_5() throws Exception {
        FakeCpu cpu = cpu();
        cpu.unmappedPages.add((long) AREA + 0x1000);
        cpu.gpr[Registers.RDI] = AREA + 0x1000 - 1024; // area ends past the page with component 5
        run(cpu, XSAVE_RDI);
        assertEquals(GuestFault.PF, cpu.raisedVector);
        assertEquals(0, cpu.ram.get(GuestMemory.U64_LE, AREA + 0x1000 - 1024 + 32), "nothing written before the fault");
    }

    @Test
    void xsavecPacksComponentsAndSetsXcompBv_sdmVol1_13_4_3() throws Exception {
        FakeCpu cpu = cpu();
        cpu.xcr0 = 0b101111;
        cpu.cpuid(0xD, 3, 40, 960, 0, 0);
        cpu.image.set(GuestMemory.U64_LE, 512, 0b100111L);       // component 3 enabled but not in use
        run(cpu, XSAVEC_RDI);
        assertEquals(0x3333L, mem(cpu, 576), "AVX right after the header");
        assertEquals(0x5555L, mem(cpu, 896), "component 5 after AVX (256) and component 3 (40), aligned to 64");
        assertEquals(0b100111L, mem(cpu, 512), "XSTATE_BV = XINUSE & RFBM");
        assertEquals(0x8000_0000_0000_002FL, mem(cpu, 520), "XCOMP_BV = RFBM | bit 63");
    }

    @Test
    void xsavecWithoutCpuidSupportRaisesUd() throws Exception {
        FakeCpu cpu = cpu();
        cpu.clearFeature(0xD, 1, CpuFeatures.EAX, 1);
        run(cpu, XSAVEC_RDI);
        assertEquals(GuestFault.UD, cpu.raisedVector);
    }

    @Test
    void xsavesWithoutCpuidSupportRaisesUd() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, XSAVES_RDI);
        assertEquals(GuestFault.UD, cpu.raisedVector);
    }

    @Test
    void xsavesAtCpl3RaisesGp() throws Exception {
        FakeCpu cpu = cpu();
        cpu.cpuid(0xD, 1, 0b1011, 0, 0, 0);
        cpu.cpl = 3;
        run(cpu, XSAVES_RDI);
        assertEquals(GuestFault.GP, cpu.raisedVector);
    }

    @Test
    void xrstorRoundTripsThroughXsave() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, XSAVE_RDI);
        MemorySegment saved = MemorySegment.ofArray(new byte[4096]);
        saved.copyFrom(cpu.image);
        cpu.image.fill((byte) 0);
        cpu.image.set(GuestMemory.U32_LE, 28, 0xFFFF);
        cpu.rip = 0x1000;
        run(cpu, XRSTOR_RDI);
        assertEquals(-1, cpu.raisedVector);
        assertTrue(cpu.imageChanged);
        assertEquals(0x027F, cpu.image.get(GuestMemory.U16_LE, 0));
        assertEquals(0x1F80, cpu.image.get(GuestMemory.U32_LE, 24));
        assertEquals(0x2222L, cpu.image.get(GuestMemory.U64_LE, 160));
        assertEquals(0x3333L, cpu.image.get(GuestMemory.U64_LE, 576));
        assertEquals(0x5555L, cpu.image.get(GuestMemory.U64_LE, 1088));
        assertEquals(0b100111L, cpu.image.get(GuestMemory.U64_LE, 512));
    }

    @Test
    void xrstorInitialisesComponentsWhoseXstateBvBitIsClear_sdmVol1_13_8_1() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, XSAVE_RDI);
        cpu.ram.set(GuestMemory.U64_LE, AREA + 512, 0b000001L); // only x87 recorded
        run(cpu, XRSTOR_RDI);
        assertEquals(0, cpu.image.get(GuestMemory.U64_LE, 160), "XMM0 initialised");
        assertEquals(0, cpu.image.get(GuestMemory.U64_LE, 576), "YMM0_H initialised");
        assertEquals(0x1111L, cpu.image.get(GuestMemory.U64_LE, 32), "ST0 loaded");
        assertEquals(0b000001L, cpu.image.get(GuestMemory.U64_LE, 512));
    }

    @Test
    void xrstorWithAnXstateBvBitOutsideXcr0RaisesGp() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, XSAVE_RDI);
        cpu.image.set(GuestMemory.U64_LE, 160, 0x9999L);
        cpu.ram.set(GuestMemory.U64_LE, AREA + 512, 0b1000_0111L);
        run(cpu, XRSTOR_RDI);
        assertEquals(GuestFault.GP, cpu.raisedVector);
        assertEquals(0x9999L, cpu.image.get(GuestMemory.U64_LE, 160), "no state loaded");
    }

    @Test
    void xrstorWithReservedHeaderBytesRaisesGp() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, XSAVE_RDI);
        cpu.ram.set(GuestMemory.U64_LE, AREA + 528, 1L);
        run(cpu, XRSTOR_RDI);
        assertEquals(GuestFault.GP, cpu.raisedVector);
    }

    @Test
    void xrstorWithReservedMxcsrBitsRaisesGp_sdmVol1_10_5_1_1() throws Exception {
        FakeCpu cpu = cpu();
        cpu.image.set(GuestMemory.U32_LE, 28, 0xFFBF);
        run(cpu, XSAVE_RDI);
        cpu.ram.set(GuestMemory.U32_LE, AREA + 24, 0x1F80 | 0x40); // DAZ, not in this mask
        run(cpu, XRSTOR_RDI);
        assertEquals(GuestFault.GP, cpu.raisedVector);
    }

    @Test
    void xrstorOfACompactedAreaFromXsavec() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, XSAVEC_RDI);
        cpu.image.asSlice(0, 2048).fill((byte) 0);
        cpu.image.set(GuestMemory.U32_LE, 28, 0xFFFF);
        run(cpu, XRSTOR_RDI);
        assertEquals(-1, cpu.raisedVector);
        assertEquals(0x3333L, cpu.image.get(GuestMemory.U64_LE, 576));
        assertEquals(0x5555L, cpu.image.get(GuestMemory.U64_LE, 1088), "component 5 back at its standard offset");
        assertEquals(0x2222L, cpu.image.get(GuestMemory.U64_LE, 160));
        assertEquals(0x1F80, cpu.image.get(GuestMemory.U32_LE, 24));
        assertEquals(0, cpu.image.get(GuestMemory.U64_LE, 520), "KVM's image stays standard-form");
    }

    @Test
    void compactedXrstorWithXstateBvOutsideXcompBvRaisesGp_sdmVol1_13_8_2() throws Exception {
        FakeCpu cpu = cpu();
        cpu.gpr[Registers.RAX] = 0b000011;
        run(cpu, XSAVEC_RDI);
        cpu.ram.set(GuestMemory.U64_LE, AREA + 512, 0b000111L);
        cpu.gpr[Registers.RAX] = 0xFFFF_FFFFL;
        run(cpu, XRSTOR_RDI);
        assertEquals(GuestFault.GP, cpu.raisedVector);
    }

    @Test
    void registerFormOfXsavecRaisesUd() throws Exception {
        FakeCpu cpu = cpu();
        run(cpu, 0x0F, 0xC7, 0xE0);
        assertEquals(GuestFault.UD, cpu.raisedVector);
    }
}
