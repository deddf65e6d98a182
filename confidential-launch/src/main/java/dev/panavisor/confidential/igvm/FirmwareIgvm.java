package dev.panavisor.confidential.igvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.sev.ResetVmsa;
import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.ovmf.SevEsResetBlock;
import dev.panavisor.firmware.wrap.FirmwareIgvmWrapper;
import dev.panavisor.firmware.wrap.FirmwareRom;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps firmware into IGVM with the initial vCPU state filled in: the firmware loader lays out
 * pages and metadata, this class supplies the SEV-ES/SNP VMSAs it cannot build. The VMSAs are
 * the ones the OVMF-driven launch measures ({@link ResetVmsa}): the BSP at the reset vector,
 * the APs at OVMF's SEV-ES AP reset block.
 */
public final class FirmwareIgvm {
    /** SNP guest policy: SMT allowed (bit 16) and the must-be-one bit 17; no debugging, no migration agent. */
    public static final long DEFAULT_SNP_POLICY = 0x3_0000L;

    private FirmwareIgvm() {}

    /**
     * @param vcpus        the vCPUs to give VMSAs (SEV-ES, SEV-SNP); ignored elsewhere
     * @param sevFeatures  the SNP VMSA's SEV_FEATURES (SEV-ES VMSAs carry none)
     * @param snpPolicy    the SNP guest policy written to the file
     */
    public static IgvmFile wrap(FirmwareRom rom, PlatformType platform, SevVcpus vcpus, long sevFeatures, long snpPolicy) {
        return wrap(rom, platform, vcpus, sevFeatures, snpPolicy, false);
    }

    /**
     * With {@code plainRom}, a ROM without OVMF metadata is wrapped for SEV-ES/SNP/TDX as its pages
     * plus a reset-vector VMSA for the boot vCPU (see {@code FirmwareIgvmWrapper}); with more than
     * one vCPU its APs still need OVMF's SEV-ES reset block, so that is refused.
     */
    public static IgvmFile wrap(FirmwareRom rom, PlatformType platform, SevVcpus vcpus, long sevFeatures, long snpPolicy, boolean plainRom) {
        List<byte[]> vmsas = switch (platform) {
            case SEV_ES -> vmsas(rom, platform, vcpus, 0);
            case SEV_SNP -> vmsas(rom, platform, vcpus, sevFeatures);
            default -> List.of();
        };
        return FirmwareIgvmWrapper.wrap(rom, platform, vmsas, snpPolicy, plainRom);
    }

    private static List<byte[]> vmsas(FirmwareRom rom, PlatformType platform, SevVcpus vcpus, long features) {
        List<byte[]> out = new ArrayList<>(vcpus.count());
        out.add(bytes(ResetVmsa.bsp(features, vcpus.signature(), vcpus.vmm())));
        if (vcpus.count() > 1) {
            SevEsResetBlock reset = rom.ovmf().flatMap(o -> o.findSevEsResetBlock()).orElseThrow(() ->
                    new LaunchMeasurementException(platform + " wrap of " + rom.topImage().name() + " with " + vcpus.count()
                            + " vCPUs: the firmware has no SEV-ES AP reset block, so the APs' VMSAs have no entry point"));
            byte[] ap = bytes(ResetVmsa.ap(reset, features, vcpus.signature(), vcpus.vmm()));
            for (int i = 1; i < vcpus.count(); i++) out.add(ap);
        }
        return out;
    }

    private static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
