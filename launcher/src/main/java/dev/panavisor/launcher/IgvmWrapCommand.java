package dev.panavisor.launcher;

import dev.panavisor.confidential.igvm.FirmwareIgvm;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.IgvmWriter;
import dev.panavisor.firmware.igvm.PageData;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.igvm.VpContext;
import dev.panavisor.firmware.wrap.FirmwareRom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Wraps classic firmware into an IGVM file for one platform. */
@Command(name = "wrap", mixinStandardHelpOptions = true,
        description = "Wrap OVMF (unified, or CODE with --vars) or SeaBIOS into an IGVM file for one platform. "
                + "SEV-ES and SNP files carry one VMSA per vCPU, so --vcpus fixes the vCPU count they launch with.")
final class IgvmWrapCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SevVcpuOptions cpus;

    @Option(names = "--firmware", required = true, description = "OVMF.fd, OVMF_CODE.fd or SeaBIOS bios.bin")
    Path firmware;
    @Option(names = "--vars", description = "OVMF_VARS.fd, placed below the code (native only)")
    Path vars;
    @Option(names = "--platform", required = true, description = "native, snp, sev-es, sev or tdx")
    String platform;
    @Option(names = "--policy", defaultValue = "0x30000", description = "SNP guest policy (hex, default ${DEFAULT-VALUE})")
    String policy;
    @Option(names = "--plain-rom", description = {"Also wrap a ROM without OVMF metadata for snp, sev-es or tdx: its pages plus a",
            "reset-vector VMSA (1 vCPU). For test firmware and measured-native runs; real hardware would not run it."})
    boolean plainRom;
    @Option(names = {"-o", "--output"}, required = true, description = "the IGVM file to write")
    Path output;

    @Override
    public Integer call() throws Exception {
        PlatformType type = PlatformNames.parse(platform);
        if (type == null) throw new ParameterException(spec.commandLine(), "unknown --platform '" + platform + "' (" + PlatformNames.ALL + ")");
        requireFile(firmware, "--firmware");
        if (vars != null) requireFile(vars, "--vars");
        try (Arena arena = Arena.ofConfined()) {
            FirmwareRom rom = FirmwareRom.load(firmware, vars, arena);
            IgvmFile file = FirmwareIgvm.wrap(rom, type, cpus.sevVcpus(spec, 1), cpus.guestFeatures(spec),
                    SevVcpuOptions.parseHex(spec, policy, "--policy"), plainRom);
            IgvmWriter.writeTo(file, output);
            spec.commandLine().getOut().printf("wrote %s: %s, %d pages, %d VP contexts, %d bytes%n", output, type,
                    file.headers(PageData.class).size(), file.headers(VpContext.class).size(), IgvmWriter.size(file));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private void requireFile(Path p, String option) {
        if (!Files.isRegularFile(p)) throw new ParameterException(spec.commandLine(), option + ": no such file: " + p);
    }
}
