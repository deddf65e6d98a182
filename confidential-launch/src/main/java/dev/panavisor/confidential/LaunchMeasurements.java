package dev.panavisor.confidential;

import dev.panavisor.confidential.hashes.KernelHashInputs;
import dev.panavisor.confidential.hashes.KernelHashes;
import dev.panavisor.confidential.sev.SevOvmfLaunch;
import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.confidential.sev.VcpuType;
import dev.panavisor.confidential.sev.VmmFlavor;
import dev.panavisor.confidential.snp.SnpOvmfLaunch;
import dev.panavisor.confidential.tdx.TdvfLaunch;
import dev.panavisor.confidential.tdx.TdxPageOrder;
import dev.panavisor.firmware.ovmf.FirmwareImage;
import dev.panavisor.firmware.ovmf.OvmfImage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * Launch digests of OVMF-based confidential guests, one call per technology. The firmware file
 * is mapped, not read; kernel, initrd likewise.
 *
 * <p>Errors: {@link LaunchMeasurementException} when the firmware lacks what the launch needs
 * (no SEV metadata for SNP, no TDVF metadata for TDX, no kernel-hashes area when a kernel is
 * given), {@link dev.panavisor.firmware.ovmf.OvmfFormatException} when its metadata is malformed,
 * {@link IOException} when a file cannot be read.
 */
public final class LaunchMeasurements {
    /** SEV_FEATURES with only SNPActive set: what sev-snp-measure and QEMU use by default. */
    public static final long DEFAULT_SNP_GUEST_FEATURES = 0x1;

    private LaunchMeasurements() {}

    /** SEV-SNP launch digest (48 bytes) of a QEMU-style launch of {@code vcpus} vCPUs of {@code type}. */
    public static byte[] snp(Path firmware, int vcpus, VcpuType type, long guestFeatures, KernelHashInputs hashesOrNull)
            throws IOException {
        return snp(firmware, new SevVcpus(vcpus, type.signature(), VmmFlavor.QEMU), guestFeatures, hashesOrNull);
    }

    /** SEV-SNP launch digest with an explicit CPUID signature and VMM flavor. */
    public static byte[] snp(Path firmware, SevVcpus vcpus, long guestFeatures, KernelHashInputs hashesOrNull)
            throws IOException {
        KernelHashes hashes = hashesOrNull == null ? null : KernelHashes.compute(hashesOrNull);
        try (Arena arena = Arena.ofConfined()) {
            return SnpOvmfLaunch.measure(open(firmware, arena), vcpus, guestFeatures, hashes);
        }
    }

    /** The SEV-SNP digest after the firmware pages only, for {@link #snpFromFirmwareDigest}. */
    public static byte[] snpFirmwareDigest(Path firmware) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return SnpOvmfLaunch.firmwareDigest(open(firmware, arena));
        }
    }

    /** SEV-SNP launch digest resuming from a published firmware digest; the image supplies the metadata. */
    public static byte[] snpFromFirmwareDigest(byte[] firmwareDigest, Path firmware, SevVcpus vcpus, long guestFeatures,
                                               KernelHashInputs hashesOrNull) throws IOException {
        KernelHashes hashes = hashesOrNull == null ? null : KernelHashes.compute(hashesOrNull);
        try (Arena arena = Arena.ofConfined()) {
            return SnpOvmfLaunch.measureFromFirmwareDigest(firmwareDigest, open(firmware, arena), vcpus, guestFeatures, hashes);
        }
    }

    /** SEV-ES launch digest (32 bytes). */
    public static byte[] sevEs(Path firmware, int vcpus, VcpuType type, KernelHashInputs hashesOrNull) throws IOException {
        return sevEs(firmware, new SevVcpus(vcpus, type.signature(), VmmFlavor.QEMU), hashesOrNull);
    }

    /** SEV-ES launch digest with an explicit CPUID signature and VMM flavor. */
    public static byte[] sevEs(Path firmware, SevVcpus vcpus, KernelHashInputs hashesOrNull) throws IOException {
        KernelHashes hashes = hashesOrNull == null ? null : KernelHashes.compute(hashesOrNull);
        try (Arena arena = Arena.ofConfined()) {
            return SevOvmfLaunch.sevEs(open(firmware, arena), vcpus, hashes);
        }
    }

    /** SEV launch digest (32 bytes): no VMSAs, so no vCPU parameters. */
    public static byte[] sev(Path firmware, KernelHashInputs hashesOrNull) throws IOException {
        KernelHashes hashes = hashesOrNull == null ? null : KernelHashes.compute(hashesOrNull);
        try (Arena arena = Arena.ofConfined()) {
            return SevOvmfLaunch.sev(open(firmware, arena), hashes);
        }
    }

    /** TDX MRTD (48 bytes) of a TDVF image, with current KVM's page order. */
    public static byte[] tdx(Path firmware) throws IOException {
        return tdx(firmware, TdxPageOrder.PAGE_BY_PAGE);
    }

    /** TDX MRTD of a TDVF image with the given page order. */
    public static byte[] tdx(Path firmware, TdxPageOrder order) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return TdvfLaunch.measure(open(firmware, arena), order);
        }
    }

    private static OvmfImage open(Path firmware, Arena arena) throws IOException {
        return OvmfImage.of(FirmwareImage.map(firmware, arena));
    }
}
