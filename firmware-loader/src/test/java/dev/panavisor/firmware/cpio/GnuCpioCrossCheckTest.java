package dev.panavisor.firmware.cpio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our archives as GNU cpio (Debian package cpio, installed by scripts/setup.sh) reads them:
 * it lists every entry with its type and device numbers and extracts files byte for byte.
 */
class GnuCpioCrossCheckTest {
    @TempDir Path dir;

    private byte[] archive() {
        return new CpioNewcWriter()
                .directory("dev", 0755)
                .characterDevice("dev/console", 0600, 5, 1)
                .directory("bin", 0755)
                .file("bin/busybox", 0755, "#!/bin/true\n".repeat(1000).getBytes(StandardCharsets.US_ASCII))
                .symlink("bin/sh", "busybox")
                .file("init", 0755, "#!/bin/busybox sh\necho hi\n".getBytes(StandardCharsets.US_ASCII))
                .finish();
    }

    private static String run(Path cwd, Path stdin, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectInput(stdin.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cpio did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    @Test
    void gnuCpioListsEveryEntryWithItsType() throws Exception {
        Path a = dir.resolve("initramfs.cpio");
        Files.write(a, archive());
        String listing = run(dir, a, "cpio", "-itv", "--quiet");
        List<String> lines = listing.lines().toList();
        assertEquals(6, lines.size(), listing);
        assertTrue(lines.get(0).startsWith("drwxr-xr-x") && lines.get(0).endsWith(" dev"), lines.get(0));
        assertTrue(lines.get(1).startsWith("crw-------") && lines.get(1).contains("5,") && lines.get(1).endsWith(" dev/console"), lines.get(1));
        assertTrue(lines.get(3).startsWith("-rwxr-xr-x") && lines.get(3).endsWith(" bin/busybox"), lines.get(3));
        assertTrue(lines.get(4).startsWith("lrwxrwxrwx") && lines.get(4).endsWith(" bin/sh -> busybox"), lines.get(4));
        assertTrue(lines.get(5).endsWith(" init"), lines.get(5));
    }

    @Test
    void gnuCpioExtractsFilesAndSymlinksByteForByte() throws Exception {
        Path a = dir.resolve("files.cpio");
        byte[] data = new byte[4099];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        Files.write(a, new CpioNewcWriter().directory("bin", 0755).file("bin/blob", 0644, data)
                .symlink("bin/link", "blob").file("odd", 0600, new byte[] {42}).finish());
        Path out = Files.createDirectory(dir.resolve("out"));
        run(out, a, "cpio", "-idm", "--quiet", "--no-absolute-filenames");
        assertArrayEquals(data, Files.readAllBytes(out.resolve("bin/blob")));
        assertEquals(Path.of("blob"), Files.readSymbolicLink(out.resolve("bin/link")));
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(out.resolve("odd")));
    }
}
