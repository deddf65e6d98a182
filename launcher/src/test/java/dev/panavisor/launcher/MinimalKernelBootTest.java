package dev.panavisor.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panavisor.kvm.testing.RequiresKvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Boots the minimal kernel (scripts/build-minimal-kernel.sh) with the busybox initramfs through
 * {@code panavisor run}, in a child JVM as a user would start it, and expects /init's marker and
 * a clean end: ACPI power-off (exit 0) for a kernel with ACPI, the i8042 reset (exit 3, the
 * documented code for a guest reset) for one without. On a host whose KVM only emulates this
 * takes 10-40 s per case.
 */
@RequiresKvm
class MinimalKernelBootTest {
    private static final long RUN_TIMEOUT_SECONDS = 300;

    @TempDir Path dir;

    @ParameterizedTest(name = "{0} vCPU(s), {1}")
    @CsvSource({"1, vmlinux", "2, vmlinux", "1, bzImage"})
    void minimalKernelReachesInitAndEndsTheMachine(int cpus, String image) throws Exception {
        Path kernelDir = MinimalKernel.build(cpus > 1 ? "smp" : "up");
        Path kernel = kernelDir.resolve(image);
        Path initrd = BusyboxInitramfs.writeTo(dir);
        Run run = panavisor("run", "--kernel", kernel.toString(), "--initrd", initrd.toString(),
                "--cmdline", MinimalKernel.cmdline(), "--memory", "256M", "--cpus", Integer.toString(cpus));

        assertTrue(run.output.contains("Linux version 6.1."), run.output);
        assertTrue(run.output.contains(BusyboxInitramfs.MARKER), run.output);
        assertFalse(run.output.contains("Kernel panic"), run.output);
        if (cpus > 1) assertTrue(run.output.contains("smp: Brought up 1 node, " + cpus + " CPUs"), run.output);
        if (MinimalKernel.hasAcpi(kernelDir)) {
            assertTrue(run.output.contains("reboot: Power down"), run.output);
            assertEquals(ExitCodes.POWER_OFF, run.status, run.output);
        } else {
            assertTrue(run.output.contains("reboot: Restarting system"), run.output);
            assertEquals(ExitCodes.GUEST_RESET, run.status, run.output);
        }
    }

    /**
     * Issue 4, firmware-loaded Linux: SeaBIOS reads the kernel, initrd and command line from
     * fw-cfg (QEMU's linuxboot_dma.bin option ROM does the loading) and boots it to /init.
     * SeaBIOS gives the guest no ACPI tables, so /init cannot power off and the machine resets;
     * --max-resets 0 ends the run there.
     */
    @Test
    void seaBiosBootsTheMinimalKernelGivenThroughFwCfg() throws Exception {
        Path kernel = MinimalKernel.build("up").resolve("bzImage");
        Path initrd = BusyboxInitramfs.writeTo(dir);
        Run run = panavisor("run", "--firmware", "/usr/share/seabios/bios.bin", "--kernel", kernel.toString(),
                "--initrd", initrd.toString(), "--cmdline", MinimalKernel.cmdline(), "--memory", "256M", "--max-resets", "0");

        assertTrue(run.output.contains("Command line: " + MinimalKernel.cmdline()), run.output);
        assertTrue(run.output.contains(BusyboxInitramfs.MARKER), run.output);
        assertFalse(run.output.contains("Kernel panic"), run.output);
        assertEquals(ExitCodes.GUEST_RESET, run.status, run.output);
    }

    private record Run(int status, String output) { }

    /** Runs the launcher's main class in a fresh JVM on this test's module path, output merged. */
    private Run panavisor(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(List.of("--enable-native-access=dev.panavisor.kvm,ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isEmpty()) {
            cmd.addAll(List.of("-p", modulePath, "-m", "dev.panavisor.launcher/dev.panavisor.launcher.Panavisor"));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.panavisor.launcher.Panavisor"));
        }
        cmd.addAll(List.of(args));
        Path log = dir.resolve("console.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("no exit within " + RUN_TIMEOUT_SECONDS + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
