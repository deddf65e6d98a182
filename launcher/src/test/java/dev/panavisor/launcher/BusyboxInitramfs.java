package dev.panavisor.launcher;

import dev.panavisor.firmware.cpio.CpioNewcWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test initramfs: busybox-static as /bin/busybox, guest/initramfs/init as /init (it prints
 * {@link #MARKER} and ends the machine), /dev/console so /init has its output, and /sys. Uncompressed:
 * gunzip would cost ~30 s of emulated time on a host whose KVM only emulates.
 */
final class BusyboxInitramfs {
    static final String MARKER = "PANAVISOR-INIT-OK";
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxInitramfs() { }

    static byte[] build() throws IOException {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: install busybox-static (scripts/setup.sh does)");
        }
        return new CpioNewcWriter()
                .directory("dev", 0755)
                .characterDevice("dev/console", 0600, 5, 1)
                .directory("sys", 0755)
                .directory("bin", 0755)
                .file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX))
                .file("init", 0755, Files.readAllBytes(MinimalKernel.REPO.resolve("guest/initramfs/init")))
                .finish();
    }

    static Path writeTo(Path dir) throws IOException {
        return Files.write(dir.resolve("initramfs.cpio"), build());
    }
}
