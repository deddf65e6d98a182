package dev.panavisor.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code igvm inspect}, {@code igvm wrap} and {@code measure --igvm}, run through picocli in-process. */
class IgvmCommandsTest {
    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");
    private static final Path SEABIOS = Path.of("/usr/share/seabios/bios.bin");

    @TempDir Path dir;

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Panavisor.run(new Timeline(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0} vcpus={1}")
    @CsvSource({"snp, 2", "sev-es, 3", "sev, 1", "tdx, 1"})
    void measuringTheWrappedFileGivesTheFirmwareDigest(String platform, String vcpus) {
        assumeTrue(Files.isReadable(OVMF), OVMF + " not installed");
        Path out = dir.resolve("ovmf-" + platform + ".igvm");
        Run wrap = run("igvm", "wrap", "--firmware", OVMF.toString(), "--platform", platform, "--vcpus", vcpus,
                "--vcpu-type", "EPYC-Milan", "-o", out.toString());
        assertEquals(0, wrap.status(), wrap.err());
        assertTrue(wrap.out().startsWith("wrote " + out), wrap.out());

        Run fromIgvm = run("measure", "--platform", platform, "--igvm", out.toString());
        Run fromFirmware = run("measure", "--platform", platform, "--firmware", OVMF.toString(), "--vcpus", vcpus,
                "--vcpu-type", "EPYC-Milan");
        assertEquals(0, fromIgvm.status(), fromIgvm.err());
        assertEquals(0, fromFirmware.status(), fromFirmware.err());
        assertTrue(fromIgvm.out().matches("[0-9a-f]{64,96}\n"), fromIgvm.out());
        assertEquals(fromFirmware.out(), fromIgvm.out());
    }

    @Test
    void inspectDescribesAWrappedSeabios() {
        assumeTrue(Files.isReadable(SEABIOS), SEABIOS + " not installed");
        Path out = dir.resolve("seabios.igvm");
        assertEquals(0, run("igvm", "wrap", "--firmware", SEABIOS.toString(), "--platform", "native", "-o", out.toString()).status());
        Run inspect = run("igvm", "inspect", out.toString());
        assertEquals(0, inspect.status(), inspect.err());
        assertTrue(inspect.out().contains("NATIVE"), inspect.out());
        assertTrue(inspect.out().contains("checksum"), inspect.out());
        assertTrue(inspect.out().contains("0x00000000000e0000-0x00000000000fffff"), inspect.out());
        assertTrue(inspect.out().contains("VP 0: x64 rip 0xfff0"), inspect.out());
    }

    @Test
    void aFileThatIsNotIgvmIsOneLineAndStatusTwo() throws IOException {
        Path junk = Files.write(dir.resolve("junk.igvm"), new byte[100]);
        Run inspect = run("igvm", "inspect", junk.toString());
        assertEquals(2, inspect.status());
        assertEquals(1, inspect.err().strip().lines().count(), inspect.err());
        assertTrue(inspect.err().startsWith("panavisor: "), inspect.err());
        Run measure = run("measure", "--platform", "snp", "--igvm", junk.toString());
        assertEquals(2, measure.status());
        assertEquals("", measure.out());
    }

    @Test
    void firmwareWithoutWhatThePlatformNeedsIsOneLineAndStatusTwo() {
        assumeTrue(Files.isReadable(SEABIOS));
        Run wrap = run("igvm", "wrap", "--firmware", SEABIOS.toString(), "--platform", "snp", "-o", dir.resolve("x").toString());
        assertEquals(2, wrap.status());
        assertEquals(1, wrap.err().strip().lines().count(), wrap.err());
        assertTrue(wrap.err().contains("not OVMF"), wrap.err());
        assertTrue(Files.notExists(dir.resolve("x")));
    }

    @Test
    void measuringAPlatformTheFileLacksIsOneLineAndStatusTwo() {
        assumeTrue(Files.isReadable(SEABIOS));
        Path out = dir.resolve("native.igvm");
        assertEquals(0, run("igvm", "wrap", "--firmware", SEABIOS.toString(), "--platform", "native", "-o", out.toString()).status());
        Run measure = run("measure", "--platform", "tdx", "--igvm", out.toString());
        assertEquals(2, measure.status());
        assertTrue(measure.err().contains("supports no TDX platform"), measure.err());
    }

    @Test
    void usageErrorsAreStatusTwo() {
        assertEquals(2, run("measure", "--platform", "snp").status());
        assertEquals(2, run("igvm", "wrap", "--firmware", "/nonexistent", "--platform", "snp", "-o", "x").status());
        assertEquals(2, run("igvm", "wrap", "--firmware", "/nonexistent", "--platform", "arm", "-o", "x").status());
    }
}
