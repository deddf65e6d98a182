package dev.panavisor.launcher;

import dev.panavisor.confidential.LaunchMeasurements;
import dev.panavisor.confidential.hashes.KernelHashInputs;
import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.confidential.sev.VcpuType;
import dev.panavisor.confidential.sev.VmmFlavor;
import dev.panavisor.confidential.tdx.TdxPageOrder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/** Prints the launch digest a confidential VM will report, and nothing else on stdout. */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = "Precompute the launch measurement of a firmware for SEV-SNP, SEV-ES, SEV or TDX. "
                + "Prints the digest in hex on stdout and nothing else.",
        footer = {"", "Examples:",
                "  panavisor measure --platform snp --firmware /usr/share/ovmf/OVMF.fd --vcpus 4 --vcpu-type EPYC-Milan",
                "  panavisor measure --platform tdx --firmware /usr/share/ovmf/OVMF.fd"})
final class MeasureCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--platform", required = true, description = "snp, sev-es, sev or tdx")
    String platform;
    @Option(names = "--firmware", required = true, description = "OVMF image (e.g. OVMF.fd)")
    Path firmware;
    @Option(names = "--vcpus", defaultValue = "1", description = "vCPU count (default ${DEFAULT-VALUE})")
    int vcpus;
    @Option(names = "--vcpu-type", defaultValue = "EPYC-v4", description = "QEMU CPU model: EPYC, EPYC-v4, EPYC-Rome, EPYC-Milan, EPYC-Genoa, ...")
    String vcpuType;
    @Option(names = "--vcpu-sig", description = "explicit CPUID signature (hex), instead of --vcpu-type")
    String vcpuSig;
    @Option(names = "--guest-features", defaultValue = "0x1", description = "SNP sev_features (hex, default ${DEFAULT-VALUE})")
    String guestFeatures;
    @Option(names = "--kernel", description = "kernel for measured direct boot (QEMU SEV hash table)")
    Path kernel;
    @Option(names = "--initrd") Path initrd;
    @Option(names = "--append") String append;
    @Option(names = "--tdx-legacy-order", description = "TDX: add all pages of a section before extending them (older KVM)")
    boolean legacyOrder;

    @Override
    public Integer call() throws Exception {
        requireFile(firmware, "--firmware");
        KernelHashInputs hashes = null;
        if (kernel != null) {
            requireFile(kernel, "--kernel");
            if (initrd != null) requireFile(initrd, "--initrd");
            hashes = new KernelHashInputs(kernel, initrd, append);
        } else if (initrd != null || append != null) {
            throw new ParameterException(spec.commandLine(), "--initrd and --append need --kernel");
        }
        byte[] digest = switch (platform) {
            case "snp" -> LaunchMeasurements.snp(firmware, sevVcpus(), parseHex(guestFeatures, "--guest-features"), hashes);
            case "sev-es" -> LaunchMeasurements.sevEs(firmware, sevVcpus(), hashes);
            case "sev" -> LaunchMeasurements.sev(firmware, hashes);
            case "tdx" -> {
                if (hashes != null) throw new ParameterException(spec.commandLine(), "TDX launches do not use the SEV kernel-hashes table");
                yield LaunchMeasurements.tdx(firmware, legacyOrder ? TdxPageOrder.ADD_ALL_THEN_EXTEND : TdxPageOrder.PAGE_BY_PAGE);
            }
            default -> throw new ParameterException(spec.commandLine(), "unknown --platform '" + platform + "' (snp, sev-es, sev, tdx)");
        };
        System.out.println(HexFormat.of().formatHex(digest));
        return 0;
    }

    private SevVcpus sevVcpus() {
        if (vcpus < 1) throw new ParameterException(spec.commandLine(), "--vcpus must be at least 1");
        if (vcpuSig != null) return new SevVcpus(vcpus, (int) parseHex(vcpuSig, "--vcpu-sig"), VmmFlavor.QEMU);
        VcpuType type = VcpuType.fromQemuName(vcpuType);
        return SevVcpus.of(vcpus, type);
    }

    private long parseHex(String s, String option) {
        try {
            return Long.parseUnsignedLong(s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s, 16);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), option + " is not a hex number: " + s);
        }
    }

    private void requireFile(Path p, String option) {
        if (!Files.isRegularFile(p)) throw new ParameterException(spec.commandLine(), option + ": no such file: " + p);
    }
}
