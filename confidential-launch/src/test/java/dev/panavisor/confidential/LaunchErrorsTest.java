package dev.panavisor.confidential;

import dev.panavisor.confidential.hashes.KernelHashInputs;
import dev.panavisor.confidential.hashes.KernelHashes;
import dev.panavisor.confidential.sev.SevOvmfLaunch;
import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.confidential.sev.VcpuType;
import dev.panavisor.confidential.snp.SnpOvmfLaunch;
import dev.panavisor.firmware.ovmf.FirmwareImage;
import dev.panavisor.firmware.ovmf.OvmfImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A launch the firmware cannot support fails up front, saying what is missing and where. */
class LaunchErrorsTest {
    private static final Path OVMF_FD = Path.of("/usr/share/ovmf/OVMF.fd");
    private static final Path CODE_4M = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");

    @TempDir
    Path dir;

    @Test
    void snpNeedsSevMetadata() throws IOException {
        assumeTrue(Files.isReadable(CODE_4M), CODE_4M + " is not installed (Debian package 'ovmf'); skipping");
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class,
                () -> LaunchMeasurements.snp(CODE_4M, 1, VcpuType.EPYC_MILAN, 1, null));
        assertTrue(e.getMessage().contains("OVMF_CODE_4M.fd") && e.getMessage().contains("no OVMF SEV metadata")
                && e.getMessage().contains("dc886566-984a-4798-a75e-5585a7bf67cc"), e.getMessage());
    }

    @Test
    void measuredDirectBootNeedsAKernelHashesArea() throws IOException {
        assumeTrue(Files.isReadable(OVMF_FD), OVMF_FD + " is not installed (Debian package 'ovmf'); skipping");
        Path kernel = Files.write(dir.resolve("k"), new byte[] {1});
        KernelHashInputs inputs = KernelHashInputs.kernelOnly(kernel);
        LaunchMeasurementException snp = assertThrows(LaunchMeasurementException.class,
                () -> LaunchMeasurements.snp(OVMF_FD, 1, VcpuType.EPYC_MILAN, 1, inputs));
        assertTrue(snp.getMessage().contains("no SNP_KERNEL_HASHES section"), snp.getMessage());
        LaunchMeasurementException es = assertThrows(LaunchMeasurementException.class,
                () -> LaunchMeasurements.sevEs(OVMF_FD, 1, VcpuType.EPYC_MILAN, inputs));
        assertTrue(es.getMessage().contains("reserves no SEV hash table area (its hash table block is empty)"), es.getMessage());
        assertThrows(LaunchMeasurementException.class, () -> LaunchMeasurements.sev(OVMF_FD, inputs));
    }

    @Test
    void apsNeedTheResetBlockButASingleVcpuDoesNot() {
        byte[] image = CrossCheckFixtures.amdSevLikeImage();
        // Rename the reset block's GUID so the table no longer has one.
        int guidAt = image.length - 32 - 18 - 16;
        image[guidAt] ^= 0x55;
        OvmfImage ovmf = OvmfImage.of(FirmwareImage.of(MemorySegment.ofArray(image), "no-reset.fd"));
        SnpOvmfLaunch.measure(ovmf, SevVcpus.of(1, VcpuType.EPYC), 1, null);
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class,
                () -> SevOvmfLaunch.sevEs(ovmf, SevVcpus.of(2, VcpuType.EPYC), null));
        assertTrue(e.getMessage().contains("no SEV-ES AP reset block"), e.getMessage());
    }

    @Test
    void kernelHashesOutsideTheirSectionAreRefused() {
        byte[] image = CrossCheckFixtures.amdSevLikeImage();
        // The hash table block's base is the first data word of its entry: move it to 0x900000.
        int baseAt = image.length - 32 - 18 - (4 + 18) - (8 + 18) - (8 + 18);
        image[baseAt + 2] = (byte) 0x90;
        OvmfImage ovmf = OvmfImage.of(FirmwareImage.of(MemorySegment.ofArray(image), "moved.fd"));
        KernelHashes hashes = KernelHashes.of(MemorySegment.ofArray(new byte[1]), null, null);
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class,
                () -> SnpOvmfLaunch.measure(ovmf, SevVcpus.of(1, VcpuType.EPYC), 1, hashes));
        assertTrue(e.getMessage().contains("does not lie within the SNP_KERNEL_HASHES section"), e.getMessage());
    }

    @Test
    void resumingFromThePublishedFirmwareDigestGivesTheSameResult() {
        OvmfImage ovmf = CrossCheckFixtures.amdSevLikeOvmf();
        SevVcpus vcpus = SevVcpus.of(2, VcpuType.EPYC_GENOA);
        assertArrayEquals(SnpOvmfLaunch.measure(ovmf, vcpus, 1, null),
                SnpOvmfLaunch.measureFromFirmwareDigest(SnpOvmfLaunch.firmwareDigest(ovmf), ovmf, vcpus, 1, null));
    }
}
