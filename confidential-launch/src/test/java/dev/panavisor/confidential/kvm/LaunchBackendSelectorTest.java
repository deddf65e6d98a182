package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.MeasuredNativeLaunch;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.sev.ResetVmsa;
import dev.panavisor.confidential.sev.VmmFlavor;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;

import java.util.List;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.panavisor.confidential.kvm.LaunchBackendSelector.Backend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KVM_CAP_VM_TYPES decides: bit 4 KVM_X86_SNP_VM, bit 5 KVM_X86_TDX_VM. */
class LaunchBackendSelectorTest {
    private static final int DEFAULT_ONLY = 1;
    private static final int WITH_SNP = 1 | 1 << 2 | 1 << 3 | 1 << 4;
    private static final int WITH_TDX = 1 | 1 << 5;

    @Test
    void hardwareBackendOnlyWhenTheHostOffersTheVmType() {
        assertEquals(Backend.KVM_SEV_SNP, LaunchBackendSelector.select(LaunchPlatform.SEV_SNP, WITH_SNP, false));
        assertEquals(Backend.KVM_TDX, LaunchBackendSelector.select(LaunchPlatform.TDX, WITH_TDX, true));
        assertEquals(Backend.NATIVE, LaunchBackendSelector.select(LaunchPlatform.NATIVE, DEFAULT_ONLY, false));
        assertEquals(Backend.MEASURED_NATIVE, LaunchBackendSelector.select(LaunchPlatform.SEV_SNP, WITH_TDX, true));
        assertEquals(Backend.MEASURED_NATIVE, LaunchBackendSelector.select(LaunchPlatform.TDX, WITH_SNP, true));
    }

    @Test
    void refusalNamesTheMissingVmTypeAndTheSimulationOption() {
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class,
                () -> LaunchBackendSelector.select(LaunchPlatform.TDX, WITH_SNP, false));
        assertTrue(e.getMessage().contains("does not offer VM type KVM_X86_TDX_VM (5)"), e.getMessage());
        assertTrue(e.getMessage().contains("KVM_X86_SNP_VM (4)"), "lists what the host offers: " + e.getMessage());
        assertTrue(e.getMessage().contains("simulation, not hardware attestation"), e.getMessage());
    }

    @Test
    void measuredNativeLoadsMemoryAndLabelsTheDigestASimulation() {
        GuestMemory memory = new GuestMemory(List.of(new GuestRegion("ram", 0, MemorySegment.ofArray(new byte[0x10000]), false, -1)));
        MeasuredNativeLaunch c = LaunchBackendSelector.measuredNative(memory, LaunchPlatform.SEV_SNP);
        SnpMeasuredLaunch reference = new SnpMeasuredLaunch();
        MemorySegment vmsa = ResetVmsa.bsp(1, 0x800f12, VmmFlavor.QEMU);
        for (var ctx : new dev.panavisor.confidential.launch.LaunchContext[] {c, reference}) {
            ctx.start(LaunchPlatform.SEV_SNP, 0x30000);
            ctx.addPages(0x1000, 0x1000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[] {9, 8, 7}));
            ctx.addVpContext(0, 0, vmsa);
        }
        LaunchMeasurement m = c.finish();
        assertArrayEquals(reference.finish().digest(), m.digest());
        assertEquals(LaunchMeasurement.Provenance.SIMULATED, m.provenance());
        assertTrue(m.toString().contains("simulation"), m.toString());
        assertEquals(8, memory.readU8(0x1001));
        assertTrue(c.vpContext(0).isPresent());
    }
}
