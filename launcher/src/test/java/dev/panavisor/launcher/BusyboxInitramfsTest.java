package dev.panavisor.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test initramfs holds what the kernel needs to run /init, as GNU cpio sees it. */
class BusyboxInitramfsTest {
    @TempDir Path dir;

    @Test
    void holdsConsoleBusyboxAndAnInitThatPrintsTheMarker() throws Exception {
        Path archive = BusyboxInitramfs.writeTo(dir);
        Process p = new ProcessBuilder("cpio", "-itv", "--quiet").redirectInput(archive.toFile()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("crw-------") && l.endsWith(" dev/console")), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(" bin/busybox")), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(" init")), listing);
        String init = new String(BusyboxInitramfs.build(), StandardCharsets.ISO_8859_1);
        assertTrue(init.contains("#!/bin/busybox sh") && init.contains("echo " + BusyboxInitramfs.MARKER));
    }
}
