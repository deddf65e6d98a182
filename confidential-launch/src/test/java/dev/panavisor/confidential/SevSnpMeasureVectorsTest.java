package dev.panavisor.confidential;

import dev.panavisor.confidential.hashes.KernelHashInputs;
import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.confidential.sev.VcpuSignature;
import dev.panavisor.confidential.sev.VcpuType;
import dev.panavisor.confidential.sev.VmmFlavor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Launch digests cross-checked against virtee's sev-snp-measure.
 *
 * <p>How the vectors were produced: sev-snp-measure 0.0.13 (git 8f2b337, "Allow zero as value
 * for vcpu sig & family"), run with Debian's /usr/bin/python3 3.11 and python3-cryptography 38,
 * as {@code sev-snp-measure.py --mode MODE --ovmf FIRMWARE [--vcpus N] [--vcpu-type T |
 * --vcpu-sig S | --vcpu-family F --vcpu-model M --vcpu-stepping S] [--guest-features G]
 * [--vmm-type ec2|gce] [--kernel kernel.bin [--initrd initrd.bin] [--append CMDLINE]]}, and for
 * the firmware-only digest {@code --mode snp:ovmf-hash}. Only the printed digests are recorded
 * here; the tool is not part of the build.
 *
 * <p>Firmware: Debian bookworm's ovmf 2022.11-6+deb12u2 images (pinned by SHA-256 below: a
 * different build gives different digests, so such rows are skipped, not failed) and the
 * synthetic AmdSev-like image of {@link CrossCheckFixtures} (written with its {@code main}),
 * which is how measured direct boot gets checked: no Debian image reserves a kernel-hashes area.
 * Kernel, initrd and command line are the fixtures' too.
 *
 * <p>ERROR rows: the tool refused too (a kernel with firmware lacking kernel-hash support),
 * except {@code snp OVMF_CODE_4M.fd}, which sev-snp-measure measures without any metadata pages
 * (f85ad0ee...c56a60c) and which we reject on purpose: OVMF without SEV metadata cannot boot as
 * an SNP guest, so a digest for it only misleads.
 *
 * <p>Columns: mode, firmware, vCPUs, vCPU model (QEMU name, sig=, or fms=family/model/stepping),
 * SNP guest features, VMM flavor, kernel inputs (K kernel, I initrd, A append), expected digest.
 */
class SevSnpMeasureVectorsTest {
    private static final Map<String, String> DEBIAN_SHA256 = Map.of(
            "OVMF.fd", "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773",
            "OVMF_CODE.fd", "d9b568def24088c92f34b5479e0ed7e44d0a4d4cea8a0f5716719180bba48106",
            "OVMF_CODE_4M.fd", "b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c");
    private static final Map<String, Path> DEBIAN_PATHS = Map.of(
            "OVMF.fd", Path.of("/usr/share/ovmf/OVMF.fd"),
            "OVMF_CODE.fd", Path.of("/usr/share/OVMF/OVMF_CODE.fd"),
            "OVMF_CODE_4M.fd", Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"));

    private static final String VECTORS = """
            snp           OVMF.fd         1  EPYC-v4      0x1  QEMU -   11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff1703f540bd22a9beede8fe7a97e3
            snp           OVMF.fd         2  EPYC-v4      0x1  QEMU -   a5b54e62ae971b58274dd24cc6c47b842662617036e7bd67d7326c07ac6363f35399ef933330a5ea160cead90a00603f
            snp           OVMF.fd         4  EPYC-v4      0x1  QEMU -   32ac9d7a17d28f7cd4404a4516d2f00519668c40ada2062351c36767e908eb3f090d66c33ab10f80150e00a4385b6d0f
            snp           OVMF.fd         8  EPYC-v4      0x1  QEMU -   8e2bb912104a28b75788d97cdbcf59e144b3e8f5533e294f2c135c0a2198cc7abacf6f4329d3715f51e2f3db27c81f40
            snp           OVMF.fd         16 EPYC-v4      0x1  QEMU -   fa9940223e9be52a85477049ac7526462ed002c64eaa75437ac3b09adfd3fb18b4821dd0136d1399eca4ec0fe7116416
            snp           OVMF.fd         64 EPYC-v4      0x1  QEMU -   5639a30a8a52d07ccc971c4debceb92f0976f693a06af17035af8802023588cd7f2e80e96229a6c88a4c89d1f4967351
            snp           OVMF.fd         4  EPYC         0x1  QEMU -   32ac9d7a17d28f7cd4404a4516d2f00519668c40ada2062351c36767e908eb3f090d66c33ab10f80150e00a4385b6d0f
            snp           OVMF.fd         4  EPYC-v4      0x1  QEMU -   32ac9d7a17d28f7cd4404a4516d2f00519668c40ada2062351c36767e908eb3f090d66c33ab10f80150e00a4385b6d0f
            snp           OVMF.fd         4  EPYC-Rome    0x1  QEMU -   69b80478ea963e120cb38cb0ff2bfccdf667fa0cb08456e5d692932b101114764e726d9df752d49c24481dd9b9f20af7
            snp           OVMF.fd         4  EPYC-Milan   0x1  QEMU -   e9c10ab98f8086bf4a4993dcdc1f768b1128bcb02301d1791f1d3274329e790db2d12a301d66d99a462a13b5d87e2840
            snp           OVMF.fd         4  EPYC-Genoa   0x1  QEMU -   a509186122f6e4e095ebab39abf4aea568d9949b9e929d0759f45a3983dfc2df71404de97367aba26c08ddeebc3d7ba0
            snp           OVMF.fd         4  EPYC-Turin   0x1  QEMU -   2467c59db3b215ec29541e9fea55c0ab3bd475faad012935c036ba71ba6fb57d18f489f138e17660ffd207b63b642a07
            snp           OVMF.fd         4  EPYC-IBPB    0x1  QEMU -   32ac9d7a17d28f7cd4404a4516d2f00519668c40ada2062351c36767e908eb3f090d66c33ab10f80150e00a4385b6d0f
            snp           OVMF.fd         4  EPYC-Rome-v3 0x1  QEMU -   69b80478ea963e120cb38cb0ff2bfccdf667fa0cb08456e5d692932b101114764e726d9df752d49c24481dd9b9f20af7
            snp           OVMF.fd         2  sig=0xa00f11 0x1  QEMU -   a175292a4a09fcfb760c5bd80c93ed667dbaafce6247d0f21fc06638658b3ebf2804d3019e2abed05cb6a9efe0a7464e
            snp           OVMF.fd         3  fms=25/17/1  0x1  QEMU -   9728d7cd24ef4f84b20fb302e19c584395fed4cbc937ad5ff6ae6fd1eaa2157e0349609cb1f8392164a462c184f71db2
            snp           OVMF.fd         2  EPYC-Milan   0x0  QEMU -   3f3a377abdf0964d0fb78d53cd1107bf7dca927245b9a46c1e2626a5af558cc9dcf8dd4c767e670e9f3d229716a157a3
            snp           OVMF.fd         2  EPYC-Milan   0x3  QEMU -   7c5c6e3ba3b1cdee3e5b1b4712b330ba5b1f359aef837d9a3b8b4aa35a5ea0b4782e98f57a6e08392f5c4cc8aed3603c
            snp           OVMF.fd         2  EPYC-Milan   0x21 QEMU -   5b3db052ccc5855965bddaedae87d1a3d1f3728bb93bc12f4eb86e07e842b7bdaa77e56f97c28eb52fdd93eb25e72305
            snp           OVMF.fd         2  -            0x1  EC2  -   7f6fef705ba886215518820a96b21feaa2f874814889d8b5a776b1abf0058c913ca457043ab5a3092f35847c3078c93c
            snp           OVMF.fd         2  -            0x1  GCE  -   54089cc1872606eb58e09c0c780095ec910d96faf61d0ddbc608539b6b3338fb109b89f3e3662ee6cdb74552629e86d5
            snp           OVMF.fd         4  EPYC-Milan   0x1  EC2  -   247ad4ffd2aa671f172a61d8fc73337c2b3489dae4e53a8d9dd2d96d3b71b35ab008b3581c496f99810fe72bfd84d5ac
            snp:ovmf-hash OVMF.fd         -  -            0x1  QEMU -   ba2c811512ef868474f239a21f7d7057d65a20de87a003c4f116e4fb1573183bfbcd75c3e99b2f558575a5d0094f73c6
            snp           OVMF_CODE.fd    2  EPYC-Milan   0x1  QEMU -   28c4e315b19983455da14071e8cdceafc703248eae74ba4cbedf5985aab9aa359bd37f2cd0775fa00dbc40193c4e6c79
            snp           OVMF_CODE_4M.fd 2  EPYC-Genoa   0x1  QEMU -   ERROR
            snp           OVMF.fd         1  EPYC-v4      0x1  QEMU K   ERROR
            seves         OVMF.fd         1  EPYC-v4      -    QEMU -   5bcbb5a45e7a9fa4699b6cc8f775382a810ff5a0186d3b90069ba28b1840b38f
            seves         OVMF.fd         2  EPYC-v4      -    QEMU -   5b1d28d8e8b3c2c9939d39bf18a7f05b16935279425c1c1e1ab19109acca9ffd
            seves         OVMF.fd         4  EPYC-v4      -    QEMU -   5f69b0f48cbd00c7bed859a9d597034d426b3a64a443674755132d833bf0e480
            seves         OVMF.fd         2  EPYC-Rome    -    QEMU -   11847fbd31c25fc9be1910e9f3ae763d4cef89dc2394eee3c84fe17f66aab50b
            seves         OVMF.fd         2  EPYC-Milan   -    QEMU -   e0adde7468e70028fce4c0150878129230f27fdba89f9db65682f82819b70763
            seves         OVMF.fd         2  EPYC-Genoa   -    QEMU -   e4b4746142b2df911ee18a0b0e71af077529f26f150b6b788e5135a1d7cf14f1
            seves         OVMF.fd         2  -            -    EC2  -   f95d12509f7ba2ccc57b5bd3dcfb4d5feefcfdcaba58f509a69562463590d71d
            seves         OVMF.fd         2  -            -    GCE  -   fbb8c4847d051e7f66b138d29029fa683b1cf1f5de0b4651ad60206735d8a2a0
            seves         OVMF_CODE_4M.fd 2  EPYC-Rome    -    QEMU -   1a67c1e79ee7e77fd0d2bba300d48513de056f250be4e41190301e9ee9931f92
            seves         OVMF.fd         1  EPYC-v4      -    QEMU K   ERROR
            sev           OVMF.fd         -  -            -    QEMU -   7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773
            sev           OVMF_CODE.fd    -  -            -    QEMU -   d9b568def24088c92f34b5479e0ed7e44d0a4d4cea8a0f5716719180bba48106
            sev           OVMF_CODE_4M.fd -  -            -    QEMU -   b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c
            sev           OVMF.fd         -  -            -    QEMU K   ERROR
            snp           amdsev-like     1  EPYC-Milan   0x1  QEMU -   a6decb389cad04e65a2f16811216c928a752820960ec2e8e04231a753ee57f30e8cc3f1f6c1a7167501ec1b91ea8fc2b
            snp           amdsev-like     2  EPYC-Milan   0x1  QEMU -   94f23520ff8f136ce20f3c948bf159ff9f27dbca621356b86e40a73b78f1b25e250e29b36b7897a31a70bfa2bbf5fb7b
            snp           amdsev-like     2  EPYC-Milan   0x1  QEMU K   904903cc5fd5ddbe9998f49c891a4faae1252941ae8cea6f83e8289edebd58c17bf0ddb178e52cc3de476d1e169f9774
            snp           amdsev-like     2  EPYC-Milan   0x1  QEMU KI  b38212abde51aa4f6f2d82e973a118457214dff00a849aa34f5a54c587a7332f0e7517b22dd3c787aa5afcf8d045de90
            snp           amdsev-like     2  EPYC-Milan   0x1  QEMU KIA e97402b764e53a136925eba8cfe04dfc48b1072a92447ddd30861fbc6226da62c15230eca7f35640c1042709e9ab8498
            snp           amdsev-like     4  EPYC-Genoa   0x1  QEMU KA  7f49b8073de07e4cf00fce3e6084a6f7cf8f82050add8d79f335ae140c97f7979c034fc7d044c21f3de8e210e8630d6c
            snp           amdsev-like     2  -            0x1  GCE  KIA 7027a39e846c4fe45b5b6de70119a0cdc4027f23b389d45b1e341b2cd2a362ad5ae10491d911702021e0114e119f33f3
            snp           amdsev-like     2  -            0x1  EC2  KIA 54706080721b5c79566dbe9549eb923851062411c6db7b4ff2d7a89ea3b25ce72f93cfd95341c4aeaef9a456fa703448
            seves         amdsev-like     2  EPYC-Rome    -    QEMU -   98172d99178f725eb0cc0784cafe64cc699fba79e448568dc39d34fafd4a2edc
            seves         amdsev-like     2  EPYC-Rome    -    QEMU KIA 012cbc57af8aeff397572b4fc8a634fe92edfc598f8a8f04a602dd170b9530d1
            sev           amdsev-like     -  -            -    QEMU -   fbe36db3bb50982ce99ac5282637f1802acc69db4e07277cd777694e7c76046b
            sev           amdsev-like     -  -            -    QEMU K   04af4a2d89b6f66e85318e9864e64430d24b779da2cc2af009f4c2507e224db9
            sev           amdsev-like     -  -            -    QEMU KIA dd08fc113789ca9826538fed14814c8c3b142b121ac4ea5ed7e0244f45c57bb6
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeFixtures() throws IOException {
        CrossCheckFixtures.main(new String[] {dir.toString()});
    }

    static Stream<Arguments> vectors() {
        return VECTORS.lines().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.split("\\s+"))
                .map(f -> Arguments.of(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]));
    }

    @ParameterizedTest(name = "{0} {1} vcpus={2} cpu={3} features={4} {5} kernel={6}")
    @MethodSource("vectors")
    void matchesSevSnpMeasure(String mode, String firmware, String vcpus, String cpu, String features,
                              String vmm, String kernel, String expected) throws IOException {
        Path image = firmware(firmware);
        KernelHashInputs inputs = kernelInputs(kernel);
        if (expected.equals("ERROR")) {
            assertThrows(LaunchMeasurementException.class, () -> measure(mode, image, vcpus, cpu, features, vmm, inputs));
        } else {
            assertEquals(expected, HexFormat.of().formatHex(measure(mode, image, vcpus, cpu, features, vmm, inputs)));
        }
    }

    private static byte[] measure(String mode, Path image, String vcpus, String cpu, String features, String vmm,
                                  KernelHashInputs inputs) throws IOException {
        return switch (mode) {
            case "snp" -> LaunchMeasurements.snp(image, vcpus(vcpus, cpu, vmm), Long.decode(features), inputs);
            case "snp:ovmf-hash" -> LaunchMeasurements.snpFirmwareDigest(image);
            case "seves" -> LaunchMeasurements.sevEs(image, vcpus(vcpus, cpu, vmm), inputs);
            case "sev" -> LaunchMeasurements.sev(image, inputs);
            default -> throw new IllegalArgumentException(mode);
        };
    }

    private static SevVcpus vcpus(String count, String cpu, String vmm) {
        int signature;
        if (cpu.equals("-")) {
            signature = 0; // the cloud flavors put a fixed value in RDX
        } else if (cpu.startsWith("sig=")) {
            signature = Integer.decode(cpu.substring(4));
        } else if (cpu.startsWith("fms=")) {
            String[] fms = cpu.substring(4).split("/");
            signature = VcpuSignature.of(Integer.parseInt(fms[0]), Integer.parseInt(fms[1]), Integer.parseInt(fms[2]));
        } else {
            signature = VcpuType.fromQemuName(cpu).signature();
        }
        return new SevVcpus(Integer.parseInt(count), signature, VmmFlavor.valueOf(vmm));
    }

    private static KernelHashInputs kernelInputs(String spec) {
        if (spec.equals("-")) return null;
        return new KernelHashInputs(dir.resolve("kernel.bin"),
                spec.contains("I") ? dir.resolve("initrd.bin") : null,
                spec.contains("A") ? CrossCheckFixtures.CMDLINE : null);
    }

    private static Path firmware(String name) {
        if (name.equals("amdsev-like")) return dir.resolve("amdsev-like.fd");
        Path path = DEBIAN_PATHS.get(name);
        assumeTrue(Files.isReadable(path), path + " is not installed (Debian package 'ovmf'); skipping");
        String actual = sha256(path);
        assumeTrue(actual.equals(DEBIAN_SHA256.get(name)), path + " is not the build these vectors were recorded from "
                + "(ovmf 2022.11-6+deb12u2, SHA-256 " + DEBIAN_SHA256.get(name) + "; found " + actual + "); skipping");
        return path;
    }

    private static String sha256(Path path) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
