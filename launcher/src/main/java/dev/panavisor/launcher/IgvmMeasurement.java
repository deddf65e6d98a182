package dev.panavisor.launcher;

import dev.panavisor.confidential.igvm.IgvmLaunchParameters;
import dev.panavisor.confidential.igvm.IgvmLaunchPlan;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.SevMeasuredLaunch;
import dev.panavisor.confidential.launch.SnpLaunchConventions;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.launch.TdxMeasuredLaunch;
import dev.panavisor.confidential.tdx.TdxPageOrder;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.IgvmFormatException;
import dev.panavisor.firmware.igvm.IgvmReader;
import dev.panavisor.firmware.igvm.PlatformType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code measure --igvm}: applies the file to the measuring launch context of the platform. */
final class IgvmMeasurement {
    private IgvmMeasurement() {}

    static byte[] measure(CommandSpec spec, Path igvm, String platformName, SevVcpuOptions cpus, TdxPageOrder order,
                          String zeroPages) throws Exception {
        if (!Files.isRegularFile(igvm)) throw new ParameterException(spec.commandLine(), "--igvm: no such file: " + igvm);
        PlatformType type = PlatformNames.parse(platformName);
        if (type == null || type == PlatformType.NATIVE) {
            throw new ParameterException(spec.commandLine(), "unknown --platform '" + platformName + "' (snp, sev-es, sev, tdx)");
        }
        if (cpus.vcpuSig != null) {
            throw new ParameterException(spec.commandLine(), "--vcpu-sig does not apply to --igvm: the VMSAs come from the file");
        }
        SnpLaunchConventions conventions = switch (zeroPages) {
            case "psp" -> SnpLaunchConventions.PANAVISOR;
            case "normal" -> SnpLaunchConventions.QEMU_IGVM;
            default -> throw new ParameterException(spec.commandLine(), "--zero-pages is 'psp' or 'normal', not '" + zeroPages + "'");
        };
        try (Arena arena = Arena.ofConfined()) {
            IgvmFile file;
            try {
                file = IgvmReader.strict().read(igvm, arena);
            } catch (IgvmFormatException e) {
                throw new IllegalArgumentException(igvm + ": not a valid IGVM file: " + e.getMessage(), e);
            }
            IgvmLaunchPlan plan = IgvmLaunchPlan.forPlatform(file, type);
            int vcpus = cpus.vcpus != null ? cpus.vcpus : Math.max(1, plan.vpIndices().size());
            if (vcpus < 1) throw new ParameterException(spec.commandLine(), "--vcpus must be at least 1");
            LaunchContext context = switch (type) {
                case SEV_SNP -> new SnpMeasuredLaunch(conventions);
                case SEV, SEV_ES -> new SevMeasuredLaunch();
                case TDX -> new TdxMeasuredLaunch(order);
                default -> throw new IllegalStateException(type.toString());
            };
            return plan.apply(context, IgvmLaunchParameters.vcpus(vcpus)).measurement().digest();
        }
    }
}
