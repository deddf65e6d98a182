package dev.panavisor.launcher;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Builds picocli command models with its programmatic API, for the commands on a VM's start-up
 * path ({@code panavisor} itself and {@code run}). picocli's annotation model costs ~50 ms per
 * start there: reflection over every field and method, and one {@code Proxy} class per annotation,
 * which the JDK's AOT cache cannot keep. The built models print the same help and the same errors.
 */
final class CommandSpecs {
    private CommandSpecs() {}

    /** A command around {@code command} (a Callable or nothing), with {@code -h/--help} and {@code -V/--version}. */
    static CommandSpec command(String name, Object command, String version) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name(name);
        if (version != null) spec.version(version);
        // What mixinStandardHelpOptions adds, without reflecting over picocli's own mixin class.
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
                .description("Print version information and exit.").build());
        return spec;
    }

    /** An option taking one value; {@code defaultValue} may be null. */
    static OptionSpec option(String name, Class<?> type, String paramLabel, String defaultValue, String description) {
        return OptionSpec.builder(name).type(type).paramLabel(paramLabel).defaultValue(defaultValue)
                .description(description).build();
    }

    static OptionSpec requiredOption(String name, Class<?> type, String paramLabel, String description) {
        return OptionSpec.builder(name).type(type).paramLabel(paramLabel).required(true).description(description).build();
    }

    static OptionSpec flag(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).description(description).build();
    }
}
