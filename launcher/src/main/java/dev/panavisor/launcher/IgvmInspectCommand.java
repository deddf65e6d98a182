package dev.panavisor.launcher;

import dev.panavisor.firmware.igvm.IgvmDescriber;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.IgvmReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Prints what an IGVM file holds. A wrong checksum is reported, not fatal, so a damaged file can
 * still be looked at; any other broken rule ends in one line naming the header and offset.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe an IGVM file: platforms, directives, page ranges, parameter areas, VP contexts, checksum.")
final class IgvmInspectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the IGVM file")
    Path file;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) throw new ParameterException(spec.commandLine(), "no such file: " + file);
        try (Arena arena = Arena.ofConfined()) {
            IgvmFile igvm;
            try {
                igvm = IgvmReader.with(IgvmReader.ChecksumPolicy.REPORT).read(file, arena);
            } catch (dev.panavisor.firmware.igvm.IgvmFormatException e) {
                throw new IllegalArgumentException(file + ": not a valid IGVM file: " + e.getMessage(), e);
            }
            spec.commandLine().getOut().print(IgvmDescriber.describe(igvm));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
