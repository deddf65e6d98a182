package dev.panavisor.vmm.cpu;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Boot MSRs (Intel SDM vol. 4), LAPIC virtual wire (MP spec 3.6.2.2), FPU reset values (SDM vol. 1 8.1.5, 10.2.3). */
class BootCpuStateTest {
    @Test
    void linuxMsrsAreDistinctWithFastStringsAndWriteBackMtrrDefault() {
        Set<Integer> seen = new HashSet<>();
        for (MsrValue m : BootMsrs.LINUX) assertTrue(seen.add(m.index()), "duplicate " + m);
        assertEquals(1, value(BootMsrs.IA32_MISC_ENABLE));
        assertEquals(0x806, value(BootMsrs.IA32_MTRR_DEF_TYPE));
        for (int zero : new int[] {BootMsrs.IA32_STAR, BootMsrs.IA32_LSTAR, BootMsrs.IA32_CSTAR, BootMsrs.IA32_FMASK,
                BootMsrs.IA32_SYSENTER_CS, BootMsrs.IA32_SYSENTER_ESP, BootMsrs.IA32_SYSENTER_EIP}) {
            assertEquals(0, value(zero));
        }
        // kvm-clock MSRs (0x4b564d00/01, 0x11/0x12) are the guest's to program.
        for (int kvmClock : new int[] {0x11, 0x12, 0x4b564d00, 0x4b564d01}) assertTrue(!seen.contains(kvmClock));
    }

    private static long value(int index) {
        return BootMsrs.LINUX.stream().filter(m -> m.index() == index).findFirst().orElseThrow().value();
    }

    @Test
    void lint0BecomesExtIntAndLint1NmiKeepingTheMask() {
        byte[] regs = new byte[1024];
        regs[0x350 + 2] = 1; // LVT masked (bit 16), as after reset
        regs[0x360 + 2] = 1;
        regs[0x360 + 1] = 0x02; // some other delivery mode to be replaced
        LocalApicSetup.wireVirtualWire(regs);
        assertEquals(0x10700, LocalApicSetup.u32(regs, 0x350));
        assertEquals(0x10400, LocalApicSetup.u32(regs, 0x360));
    }

    @Test
    void fpuResetValues() {
        assertEquals(0x37F, VcpuSetup.FPU_CONTROL_WORD);
        assertEquals(0x1F80, VcpuSetup.MXCSR_DEFAULT);
        assertEquals(1, VcpuSetup.XCR0_X87);
    }
}
