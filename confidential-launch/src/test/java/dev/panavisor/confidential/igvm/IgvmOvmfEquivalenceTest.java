package dev.panavisor.confidential.igvm;

import dev.panavisor.confidential.CrossCheckFixtures;
import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.LaunchMeasurements;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.SevMeasuredLaunch;
import dev.panavisor.confidential.launch.SnpLaunchConventions;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.launch.TdxMeasuredLaunch;
import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.confidential.sev.VcpuType;
import dev.panavisor.confidential.snp.SnpOvmfLaunch;
import dev.panavisor.confidential.tdx.TdxPageOrder;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.ovmf.FirmwareImage;
import dev.panavisor.firmware.wrap.FirmwareRom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An IGVM file made by wrapping OVMF must launch with the same measurement as the same OVMF
 * launched the classic way (OVMF-metadata-driven, as QEMU does it and sev-snp-measure models it).
 * The two paths share the page-level engines but not the launch order: one comes from the OVMF
 * metadata, the other from the IGVM directives the wrapper wrote and the plan walked.
 *
 * <p>Where the classic digest is one of the sev-snp-measure vectors (Debian OVMF.fd, recorded in
 * {@code SevSnpMeasureVectorsTest}), the IGVM digest is also compared with that literal value, so
 * the IGVM path is checked against an independent tool too.
 */
class IgvmOvmfEquivalenceTest {
    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");
    private static Arena arena;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    private static FirmwareRom debianOvmf() throws IOException {
        assumeTrue(Files.isReadable(OVMF), OVMF + " not installed (Debian package ovmf)");
        return FirmwareRom.load(OVMF, null, arena);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String igvmDigest(IgvmFile file, PlatformType platform, LaunchContext context, int vcpus) {
        return IgvmLaunchPlan.forPlatform(file, platform).apply(context, IgvmLaunchParameters.vcpus(vcpus)).measurement().hex();
    }

    @ParameterizedTest(name = "SNP OVMF.fd vcpus={0} {1}")
    @CsvSource({"1, EPYC-v4", "2, EPYC-v4", "4, EPYC-Milan", "8, EPYC-Genoa", "3, EPYC-Rome"})
    void snpWrappedOvmfMeasuresLikeOvmfLaunch(int vcpus, String type) throws IOException {
        SevVcpus cpus = SevVcpus.of(vcpus, VcpuType.fromQemuName(type));
        IgvmFile file = FirmwareIgvm.wrap(debianOvmf(), PlatformType.SEV_SNP, cpus, 1, FirmwareIgvm.DEFAULT_SNP_POLICY);
        assertEquals(hex(LaunchMeasurements.snp(OVMF, cpus, 1, null)),
                igvmDigest(file, PlatformType.SEV_SNP, new SnpMeasuredLaunch(), vcpus));
    }

    @ParameterizedTest(name = "SNP OVMF.fd vcpus={0} {1} = sev-snp-measure {2}")
    @CsvSource({
            "1, EPYC-v4, 11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff1703f540bd22a9beede8fe7a97e3",
            "4, EPYC-Milan, e9c10ab98f8086bf4a4993dcdc1f768b1128bcb02301d1791f1d3274329e790db2d12a301d66d99a462a13b5d87e2840",
            "4, EPYC-Genoa, a509186122f6e4e095ebab39abf4aea568d9949b9e929d0759f45a3983dfc2df71404de97367aba26c08ddeebc3d7ba0"})
    void snpWrappedOvmfMatchesSevSnpMeasure(int vcpus, String type, String sevSnpMeasure) throws IOException {
        assumeTrue(Files.isReadable(OVMF));
        assumeTrue(sha256(OVMF).equals("7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773"),
                "not the OVMF build the sev-snp-measure vectors were recorded from");
        SevVcpus cpus = SevVcpus.of(vcpus, VcpuType.fromQemuName(type));
        IgvmFile file = FirmwareIgvm.wrap(debianOvmf(), PlatformType.SEV_SNP, cpus, 1, FirmwareIgvm.DEFAULT_SNP_POLICY);
        assertEquals(sevSnpMeasure, igvmDigest(file, PlatformType.SEV_SNP, new SnpMeasuredLaunch(), vcpus));
    }

    @Test
    void snpWrappedAmdSevLikeImageMeasuresLikeOvmfLaunch() {
        FirmwareImage image = FirmwareImage.of(MemorySegment.ofArray(CrossCheckFixtures.amdSevLikeImage()), "amdsev-like.fd");
        SevVcpus cpus = SevVcpus.of(2, VcpuType.EPYC_MILAN);
        IgvmFile file = FirmwareIgvm.wrap(FirmwareRom.of(image, null), PlatformType.SEV_SNP, cpus, 1, FirmwareIgvm.DEFAULT_SNP_POLICY);
        assertEquals(hex(SnpOvmfLaunch.measure(CrossCheckFixtures.amdSevLikeOvmf(), cpus, 1, null)),
                igvmDigest(file, PlatformType.SEV_SNP, new SnpMeasuredLaunch(), 2));
    }

    /** QEMU's IGVM loader hands zero pages over as normal pages: a different, documented digest. */
    @Test
    void qemuZeroPageConventionDiffersFromOvmfLaunch() throws IOException {
        SevVcpus cpus = SevVcpus.of(1, VcpuType.EPYC_V4);
        IgvmFile file = FirmwareIgvm.wrap(debianOvmf(), PlatformType.SEV_SNP, cpus, 1, FirmwareIgvm.DEFAULT_SNP_POLICY);
        String qemu = igvmDigest(file, PlatformType.SEV_SNP, new SnpMeasuredLaunch(SnpLaunchConventions.QEMU_IGVM), 1);
        assertNotEquals(hex(LaunchMeasurements.snp(OVMF, cpus, 1, null)), qemu);
        // Our wrapper places VMSAs at KVM's GPA, so the igvm crate's convention agrees with QEMU's.
        assertEquals(qemu, igvmDigest(file, PlatformType.SEV_SNP, new SnpMeasuredLaunch(SnpLaunchConventions.IGVM_CRATE), 1));
    }

    @ParameterizedTest(name = "SEV-ES OVMF.fd vcpus={0}")
    @CsvSource({"1", "2", "4"})
    void sevEsWrappedOvmfMeasuresLikeOvmfLaunch(int vcpus) throws IOException {
        SevVcpus cpus = SevVcpus.of(vcpus, VcpuType.EPYC_ROME);
        IgvmFile file = FirmwareIgvm.wrap(debianOvmf(), PlatformType.SEV_ES, cpus, 0, 0);
        assertEquals(hex(LaunchMeasurements.sevEs(OVMF, cpus, null)),
                igvmDigest(file, PlatformType.SEV_ES, new SevMeasuredLaunch(), vcpus));
    }

    @Test
    void sevWrappedOvmfMeasuresLikeOvmfLaunch() throws IOException {
        IgvmFile file = FirmwareIgvm.wrap(debianOvmf(), PlatformType.SEV, SevVcpus.of(1, VcpuType.EPYC), 0, 0);
        assertEquals(hex(LaunchMeasurements.sev(OVMF, null)), igvmDigest(file, PlatformType.SEV, new SevMeasuredLaunch(), 1));
    }

    @ParameterizedTest(name = "TDX OVMF.fd {0}")
    @EnumSource(TdxPageOrder.class)
    void tdxWrappedOvmfMeasuresLikeTdvfLaunch(TdxPageOrder order) throws IOException {
        IgvmFile file = FirmwareIgvm.wrap(debianOvmf(), PlatformType.TDX, SevVcpus.of(1, VcpuType.EPYC), 0, 0);
        assertEquals(hex(LaunchMeasurements.tdx(OVMF, order)),
                igvmDigest(file, PlatformType.TDX, new TdxMeasuredLaunch(order), 4));
    }

    @Test
    void tdxPageOrdersGiveDifferentMrtds() throws IOException {
        IgvmFile file = FirmwareIgvm.wrap(debianOvmf(), PlatformType.TDX, SevVcpus.of(1, VcpuType.EPYC), 0, 0);
        assertNotEquals(igvmDigest(file, PlatformType.TDX, new TdxMeasuredLaunch(TdxPageOrder.PAGE_BY_PAGE), 1),
                igvmDigest(file, PlatformType.TDX, new TdxMeasuredLaunch(TdxPageOrder.ADD_ALL_THEN_EXTEND), 1));
    }

    @Test
    void snpWrapWithApsNeedsTheResetBlock() {
        byte[] bare = new byte[0x10000];
        FirmwareRom rom = FirmwareRom.of(FirmwareImage.of(MemorySegment.ofArray(bare), "bare.fd"), null);
        assertThrows(RuntimeException.class, () -> FirmwareIgvm.wrap(rom, PlatformType.SEV_SNP,
                SevVcpus.of(2, VcpuType.EPYC), 1, FirmwareIgvm.DEFAULT_SNP_POLICY));
    }

    @Test
    void launchingMoreVcpusThanTheFileHasVmsasIsRefused() throws IOException {
        IgvmFile file = FirmwareIgvm.wrap(debianOvmf(), PlatformType.SEV_SNP, SevVcpus.of(2, VcpuType.EPYC), 1,
                FirmwareIgvm.DEFAULT_SNP_POLICY);
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class, () ->
                IgvmLaunchPlan.forPlatform(file, PlatformType.SEV_SNP).apply(new SnpMeasuredLaunch(), IgvmLaunchParameters.vcpus(3)));
        assertEquals(true, e.getMessage().contains("no VP context (VMSA) for VP 2"), e.getMessage());
    }

    private static String sha256(Path p) throws IOException {
        try {
            return hex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
