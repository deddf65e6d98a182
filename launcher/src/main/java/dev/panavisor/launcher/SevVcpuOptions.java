package dev.panavisor.launcher;

import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.confidential.sev.VcpuType;
import dev.panavisor.confidential.sev.VmmFlavor;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The vCPU options that shape SEV-ES/SNP VMSAs, shared by {@code measure} and {@code igvm wrap}. */
final class SevVcpuOptions {
    @Option(names = "--vcpus", description = "vCPU count (default: 1; for --igvm, the VP contexts in the file)")
    Integer vcpus;
    @Option(names = "--vcpu-type", defaultValue = "EPYC-v4", description = "QEMU CPU model: EPYC, EPYC-v4, EPYC-Rome, EPYC-Milan, EPYC-Genoa, ...")
    String vcpuType;
    @Option(names = "--vcpu-sig", description = "explicit CPUID signature (hex), instead of --vcpu-type")
    String vcpuSig;
    @Option(names = "--guest-features", defaultValue = "0x1", description = "SNP sev_features (hex, default ${DEFAULT-VALUE})")
    String guestFeatures;

    SevVcpus sevVcpus(CommandSpec spec, int defaultCount) {
        int count = vcpus == null ? defaultCount : vcpus;
        if (count < 1) throw new ParameterException(spec.commandLine(), "--vcpus must be at least 1");
        if (vcpuSig != null) return new SevVcpus(count, (int) parseHex(spec, vcpuSig, "--vcpu-sig"), VmmFlavor.QEMU);
        return SevVcpus.of(count, VcpuType.fromQemuName(vcpuType));
    }

    long guestFeatures(CommandSpec spec) {
        return parseHex(spec, guestFeatures, "--guest-features");
    }

    static long parseHex(CommandSpec spec, String s, String option) {
        try {
            return Long.parseUnsignedLong(s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s, 16);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), option + " is not a hex number: " + s);
        }
    }
}
