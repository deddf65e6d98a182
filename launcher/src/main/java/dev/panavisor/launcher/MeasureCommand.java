package dev.panavisor.launcher;

import dev.panavisor.confidential.LaunchMeasurements;
import dev.panavisor.confidential.hashes.KernelHashInputs;
import dev.panavisor.confidential.tdx.TdxPageOrder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        description = "Precompute the launch measurement of a firmware or an IGVM file for SEV-SNP, SEV-ES, SEV or TDX. "
                + "Prints the digest in hex on stdout and nothing else. The digest is computed, not attested.",
        footer = {"", "Examples:",
                "  panavisor measure --platform snp --firmware /usr/share/ovmf/OVMF.fd --vcpus 4 --vcpu-type EPYC-Milan",
                "  panavisor measure --platform tdx --firmware /usr/share/ovmf/OVMF.fd",
                "  panavisor measure --platform snp --igvm ovmf-snp.igvm"})
final class MeasureCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SevVcpuOptions cpus;

    @Option(names = "--platform", required = true, description = "snp, sev-es, sev or tdx")
    String platform;
    @Option(names = "--firmware", description = "OVMF image (e.g. OVMF.fd), launched the classic way")
    Path firmware;
    @Option(names = "--igvm", description = "IGVM file; its directives decide the launch (VMSAs come from the file)")
    Path igvm;
    @Option(names = "--kernel", description = "kernel for measured direct boot (QEMU SEV hash table; --firmware only)")
    Path kernel;
    @Option(names = "--initrd") Path initrd;
    @Option(names = "--append") String append;
    @Option(names = "--tdx-legacy-order", description = "TDX: add all pages of a region before extending them (older KVM)")
    boolean legacyOrder;
    @Option(names = "--zero-pages", defaultValue = "psp", description = "SNP with --igvm: measure IGVM zero pages as "
            + "'psp' (PAGE_TYPE_ZERO, Panavisor's launches) or 'normal' (normal pages of zeros, as QEMU's IGVM loader does)")
    String zeroPages;

    @Override
    public Integer call() throws Exception {
        if ((firmware == null) == (igvm == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --firmware and --igvm");
        }
        TdxPageOrder order = legacyOrder ? TdxPageOrder.ADD_ALL_THEN_EXTEND : TdxPageOrder.PAGE_BY_PAGE;
        byte[] digest = igvm != null ? IgvmMeasurement.measure(spec, igvm, platform, cpus, order, zeroPages)
                : measureFirmware(order);
        spec.commandLine().getOut().println(HexFormat.of().formatHex(digest));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private byte[] measureFirmware(TdxPageOrder order) throws Exception {
        requireFile(firmware, "--firmware");
        KernelHashInputs hashes = null;
        if (kernel != null) {
            requireFile(kernel, "--kernel");
            if (initrd != null) requireFile(initrd, "--initrd");
            hashes = new KernelHashInputs(kernel, initrd, append);
        } else if (initrd != null || append != null) {
            throw new ParameterException(spec.commandLine(), "--initrd and --append need --kernel");
        }
        return switch (platform) {
            case "snp" -> LaunchMeasurements.snp(firmware, cpus.sevVcpus(spec, 1), cpus.guestFeatures(spec), hashes);
            case "sev-es" -> LaunchMeasurements.sevEs(firmware, cpus.sevVcpus(spec, 1), hashes);
            case "sev" -> LaunchMeasurements.sev(firmware, hashes);
            case "tdx" -> {
                if (hashes != null) throw new ParameterException(spec.commandLine(), "TDX launches do not use the SEV kernel-hashes table");
                yield LaunchMeasurements.tdx(firmware, order);
            }
            default -> throw new ParameterException(spec.commandLine(), "unknown --platform '" + platform + "' (snp, sev-es, sev, tdx)");
        };
    }

    private void requireFile(Path p, String option) {
        if (!Files.isRegularFile(p)) throw new ParameterException(spec.commandLine(), option + ": no such file: " + p);
    }
}
