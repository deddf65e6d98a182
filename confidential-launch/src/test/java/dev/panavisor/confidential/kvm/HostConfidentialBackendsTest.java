package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.sev.ResetVmsa;
import dev.panavisor.confidential.sev.VmmFlavor;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backends against this host's real /dev/kvm. On a host without SEV-SNP or TDX (this one:
 * kvm_pvm offers only the default and software-protected VM types) the selector must refuse them.
 * The real launch paths can only run on such hardware; those tests skip elsewhere with their own
 * message, never the "needs KVM" one.
 */
@RequiresKvm
class HostConfidentialBackendsTest {
    private static final int SNP = KvmUapi.PV_KVM_X86_SNP_VM();
    private static final int TDX = KvmUapi.PV_KVM_X86_TDX_VM();

    @Test
    @DisplayName("this host's KVM lacks the SNP and TDX VM types, so hardware launches are refused by name (real SNP/TDX launches need SNP or TDX hardware)")
    void refusesHardwareLaunchesTheHostCannotRun() {
        try (Kvm kvm = Kvm.open()) {
            int types = kvm.supportedVmTypes();
            for (LaunchPlatform p : List.of(LaunchPlatform.SEV_SNP, LaunchPlatform.TDX)) {
                int type = LaunchBackendSelector.vmType(p);
                if ((types & (1 << type)) != 0) continue;   // such a host runs the hardware tests below instead
                LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class, () -> LaunchBackendSelector.createVm(kvm, p));
                assertTrue(e.getMessage().contains("does not offer VM type " + LaunchBackendSelector.vmTypeName(type)), e.getMessage());
                assertTrue(e.getMessage().contains(LaunchBackendSelector.describeVmTypes(types)), e.getMessage());
                assertEquals(LaunchBackendSelector.Backend.MEASURED_NATIVE, LaunchBackendSelector.select(p, types, true));
            }
        }
    }

    @Test
    @DisplayName("SEV-SNP launch of one page and one VMSA through real KVM (needs an SNP host; never run on the development host)")
    void snpLaunchOnAnSnpHost() {
        try (Kvm kvm = Kvm.open()) {
            assumeTrue((kvm.supportedVmTypes() & (1 << SNP)) != 0, "needs an SNP host: KVM here does not offer KVM_X86_SNP_VM");
            try (HostKvmLaunchTarget target = LaunchBackendSelector.createVm(kvm, LaunchPlatform.SEV_SNP); Arena a = Arena.ofShared()) {
                MemorySegment ram = a.allocate(0x20_0000, 0x20_0000);
                SnpKvmLaunch launch = new SnpKvmLaunch(target, SnpKvmOptions.of(1, List.of(new GuestRamRegion(0, 0, ram)), 0));
                launch.start(LaunchPlatform.SEV_SNP, 0x30000);
                launch.addPages(0x1000, 0x1000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[] {(byte) 0xf4}));
                launch.addVpContext(0, 0, ResetVmsa.bsp(1, 0x00a00f11, VmmFlavor.QEMU));
                LaunchMeasurement m = launch.finish();
                assertEquals(LaunchMeasurement.Provenance.EXPECTED, m.provenance());
            }
        }
    }

    @Test
    @DisplayName("TDX launch of one measured page through real KVM (needs a TDX host; never run on the development host)")
    void tdxLaunchOnATdxHost() {
        try (Kvm kvm = Kvm.open()) {
            assumeTrue((kvm.supportedVmTypes() & (1 << TDX)) != 0, "needs a TDX host: KVM here does not offer KVM_X86_TDX_VM");
            try (HostKvmLaunchTarget target = LaunchBackendSelector.createVm(kvm, LaunchPlatform.TDX); Arena a = Arena.ofShared()) {
                MemorySegment ram = a.allocate(0x20_0000, 0x20_0000);
                TdxKvmLaunch launch = new TdxKvmLaunch(target, TdxKvmOptions.of(1, List.of(new GuestRamRegion(0, 0, ram)), 0));
                launch.start(LaunchPlatform.TDX, 1L << 28);
                launch.addPages(0x1000, 0x1000, LaunchPageType.NORMAL, MemorySegment.ofArray(new byte[] {(byte) 0xf4}));
                assertEquals(LaunchMeasurement.Provenance.EXPECTED, launch.finish().provenance());
            }
        }
    }
}
