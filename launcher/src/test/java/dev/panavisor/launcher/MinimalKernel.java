package dev.panavisor.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The minimal test kernel built by scripts/build-minimal-kernel.sh (cached; a cold build takes a
 * few minutes), and the command line it is meant to boot with (guest/kernel/cmdline).
 */
final class MinimalKernel {
    /** The repository root: tests run in the module directory. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    private MinimalKernel() { }

    /**
     * Whether the test kernels are built with ACPI (scripts/build-minimal-kernel.sh --acpi): then
     * /init powers off through \_S5, which needs the machine's ACPI tables; without, it resets
     * through the i8042. See docs/minimal-kernel.md for the boot-time cost of each.
     */
    static final boolean ACPI = true;

    /** The directory holding vmlinux, bzImage and config of {@code variant} ("up" or "smp"). */
    static Path build(String variant) {
        try {
            List<String> cmd = new ArrayList<>(List.of("bash", REPO.resolve("scripts/build-minimal-kernel.sh").toString()));
            if (ACPI) cmd.add("--acpi");
            cmd.add(variant);
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("building the minimal kernel took over 30 minutes");
            }
            if (p.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException("scripts/build-minimal-kernel.sh " + variant + " failed with status " + p.exitValue());
            }
            Path dir = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
            if (!Files.isRegularFile(dir.resolve("vmlinux"))) throw new IllegalStateException("no vmlinux in " + dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the kernel in {@code dir} was configured with ACPI. */
    static boolean hasAcpi(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("config")).contains("CONFIG_ACPI=y");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String cmdline() {
        try {
            return Files.readString(REPO.resolve("guest/kernel/cmdline")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
