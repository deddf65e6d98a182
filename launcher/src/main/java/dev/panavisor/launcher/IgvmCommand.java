package dev.panavisor.launcher;

import picocli.CommandLine.Command;

/** {@code panavisor igvm}: look into IGVM files and make them from classic firmware. */
@Command(name = "igvm", mixinStandardHelpOptions = true,
        description = "Inspect IGVM files, or wrap firmware into one.",
        subcommands = {IgvmInspectCommand.class, IgvmWrapCommand.class},
        footer = {"", "Examples:",
                "  panavisor igvm wrap --firmware /usr/share/ovmf/OVMF.fd --platform snp --vcpus 4 -o ovmf-snp.igvm",
                "  panavisor igvm inspect ovmf-snp.igvm"})
final class IgvmCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
