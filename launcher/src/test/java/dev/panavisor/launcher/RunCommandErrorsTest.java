package dev.panavisor.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every user mistake is one line on stderr and exit status 2; nothing boots. */
class RunCommandErrorsTest {
    private record Result(int status, String err) { }

    private static Result run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Panavisor.run(new Timeline(), args);
            return new Result(status, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    private static void assertOneLineError(Result r, String fragment) {
        assertEquals(ExitCodes.USAGE, r.status(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertTrue(r.err().startsWith("panavisor: "), r.err());
    }

    @Test
    void missingKernelFile() {
        assertOneLineError(run("run", "--kernel", "/nonexistent/bzImage"), "/nonexistent/bzImage: no such file");
    }

    @Test
    void badMemorySize(@TempDir Path dir) throws Exception {
        Path k = Files.write(dir.resolve("k"), new byte[16]);
        assertOneLineError(run("run", "--kernel", k.toString(), "--memory", "lots"), "--memory");
        assertOneLineError(run("run", "--kernel", k.toString(), "--memory", "16M"), "at least 32M");
    }

    @Test
    void unknownCpuTemplate(@TempDir Path dir) throws Exception {
        Path k = Files.write(dir.resolve("k"), new byte[16]);
        assertOneLineError(run("run", "--kernel", k.toString(), "--cpu-template", "t9"), "unknown CPU template 't9'");
    }

    @Test
    void optionValuesReachTheCommand(@TempDir Path dir) throws Exception {
        // run's model is built programmatically (CommandSpecs): each typed value must arrive.
        Path k = Files.write(dir.resolve("k"), new byte[16]);
        assertOneLineError(run("run", "--kernel", k.toString(), "--cpus", "0"), "--cpus must be 1..254, not 0");
        assertOneLineError(run("run", "--kernel", k.toString(), "--cpus", "two"), "'two' is not an int");
        assertOneLineError(run("run", "--kernel", k.toString(), "--memory", "33M"), "multiple of 2M");
        assertOneLineError(run("run", "--kernel", k.toString(), "--no-acpi", "--timeline", "--initrd", "/nonexistent/initrd"),
                "/nonexistent/initrd");
        assertOneLineError(run("run"), "Missing required option: '--kernel=FILE'");
    }

    @Test
    void notAKernel(@TempDir Path dir) throws Exception {
        Path k = Files.write(dir.resolve("k"), new byte[1024]);
        assertOneLineError(run("run", "--kernel", k.toString()), "boot_flag at offset 0x1fe");
    }

    @Test
    void unreadableKernel(@TempDir Path dir) throws Exception {
        // As root every file is readable; a directory is not a file anywhere.
        assertOneLineError(run("run", "--kernel", dir.toString()), dir.toString());
    }

    @Test
    void helpHasExamples() {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, Panavisor.run(new Timeline(), "run", "--help"));
        } finally {
            System.setOut(saved);
        }
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("Examples:") && help.contains("--cpu-template") && help.contains("130"), help);
        assertTrue(help.startsWith("Usage: panavisor run [-hV]"), help);
        assertTrue(help.contains("guest RAM, with K/M/G suffix (default: 512M)") && help.contains("(default: host-safe)")
                && help.contains("--serial-log=FILE") && help.contains("Print version information and exit."), help);
    }
}
