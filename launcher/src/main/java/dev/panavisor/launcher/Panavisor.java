package dev.panavisor.launcher;

import dev.panavisor.kvm.KvmException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The {@code panavisor} command line. */
public final class Panavisor {
    private Panavisor() {}

    public static void main(String[] args) {
        Timeline timeline = new Timeline();
        if (args.length > 0 && (args[0].equals("run") || args[0].equals("run-firmware") || args[0].equals("demo"))) {
            KvmPrelink.start();
        }
        System.exit(run(timeline, args));
    }

    /** Built, not annotated, as {@code run} is (see {@link CommandSpecs}). */
    private static CommandSpec rootSpec() {
        CommandSpec spec = CommandSpecs.command("panavisor", new Panavisor(), "panavisor 0.1.0");
        spec.usageMessage().description("An x86-64 VMM in Java on Linux KVM.");
        spec.usageMessage().footer("", "Examples:", "  panavisor demo", "  panavisor run --kernel bzImage --cmdline console=ttyS0",
                "  panavisor run --firmware /usr/share/seabios/bios.bin --debugcon seabios.log   (same as run-firmware)",
                "  panavisor measure --platform snp --firmware /usr/share/ovmf/OVMF.fd --vcpus 4");
        return spec;
    }

    static int run(Timeline timeline, String... args) {
        return run(timeline, null, null, args);
    }

    /** As {@link #run(Timeline, String...)}, with stdout and stderr redirected (for in-process tests). */
    static int run(Timeline timeline, java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        args = RunRouting.route(args);
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("demo", () -> new DemoCommand(timeline));
        commands.put("measure", MeasureCommand::new);
        commands.put("run", () -> RunCommand.commandSpec(timeline));
        commands.put("run-firmware", () -> new FirmwareRunCommand(timeline));
        commands.put("igvm", IgvmCommand::new);
        CommandLine cli = new CommandLine(rootSpec());
        // picocli builds an annotated command's model by reflection (run's and the root's are
        // built in code); when the first argument names a command, only that one is added.
        String chosen = args.length > 0 && commands.containsKey(args[0]) ? args[0] : null;
        commands.forEach((name, command) -> {
            if (chosen == null || chosen.equals(name)) cli.addSubcommand(name, command.get());
        });
        // After the subcommands: picocli hands the writers down only to those already added.
        if (out != null) cli.setOut(out);
        if (err != null) cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("panavisor: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // People get one clear line; the stack trace is for --debug logging, not for them.
            String msg = e instanceof KvmException || e instanceof IllegalArgumentException || e instanceof java.io.IOException
                    || e instanceof IllegalStateException || e instanceof java.io.UncheckedIOException
                    || e instanceof dev.panavisor.confidential.LaunchMeasurementException
                    || e instanceof dev.panavisor.firmware.ovmf.OvmfFormatException
                    || e instanceof dev.panavisor.firmware.wrap.WrapException
                    ? e.getMessage() : e.toString();
            cmd.getErr().println("panavisor: " + msg);
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }
}
