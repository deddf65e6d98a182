package dev.panavisor.firmware.cpio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The newc format as the kernel's initramfs unpacker reads it (buffer-format.rst). */
class CpioNewcWriterTest {
    private static String ascii(byte[] b, int from, int length) {
        return new String(b, from, length, StandardCharsets.US_ASCII);
    }

    @Test
    void aFileEntryIsTheHeaderTheNameAndTheDataEachPaddedToFourBytes() {
        byte[] a = new CpioNewcWriter().file("init", 0755, "abcde".getBytes(StandardCharsets.US_ASCII)).finish();
        assertEquals("070701", ascii(a, 0, 6));
        assertEquals("00000001", ascii(a, 6, 8), "c_ino");
        assertEquals("000081ED", ascii(a, 14, 8), "c_mode: regular file 0755");
        assertEquals("00000000", ascii(a, 22, 8), "c_uid");
        assertEquals("00000001", ascii(a, 38, 8), "c_nlink");
        assertEquals("00000005", ascii(a, 54, 8), "c_filesize");
        assertEquals("00000005", ascii(a, 94, 8), "c_namesize counts the NUL");
        assertEquals("00000000", ascii(a, 102, 8), "c_check is 0 for newc");
        // 110-byte header + "init\0" = 115, padded to 116; then 5 data bytes padded to 124.
        assertEquals("init", ascii(a, 110, 4));
        assertEquals(0, a[114]);
        assertEquals(0, a[115]);
        assertEquals("abcde", ascii(a, 116, 5));
        assertEquals(0, a[121] | a[122] | a[123]);
        assertEquals("070701", ascii(a, 124, 6), "the trailer follows at the next 4-byte boundary");
    }

    @Test
    void theArchiveEndsWithTheTrailerEntry() {
        byte[] a = new CpioNewcWriter().directory("dev", 0755).finish();
        String text = new String(a, StandardCharsets.US_ASCII);
        assertTrue(text.contains("TRAILER!!!\0"));
        assertEquals(0, a.length % 4);
    }

    @Test
    void entriesOfEveryKindReadBackWithTheirModesAndDevices() {
        byte[] a = new CpioNewcWriter()
                .directory("dev", 0755)
                .characterDevice("dev/console", 0600, 5, 1)
                .directory("bin", 0755)
                .file("bin/busybox", 0755, new byte[] {1, 2, 3})
                .symlink("bin/sh", "busybox")
                .finish();
        List<NewcReader.Entry> e = NewcReader.read(a);
        assertEquals(List.of("dev", "dev/console", "bin", "bin/busybox", "bin/sh"), e.stream().map(NewcReader.Entry::name).toList());
        assertEquals(0040755, e.get(0).mode());
        assertEquals(0020600, e.get(1).mode());
        assertEquals(5, e.get(1).rdevMajor());
        assertEquals(1, e.get(1).rdevMinor());
        assertArrayEquals(new byte[] {1, 2, 3}, e.get(3).data());
        assertEquals(0120777, e.get(4).mode());
        assertEquals("busybox", new String(e.get(4).data(), StandardCharsets.UTF_8));
        assertEquals(List.of(1, 2, 3, 4, 5), e.stream().map(NewcReader.Entry::inode).toList(), "distinct inodes: no accidental hard links");
    }

    @Test
    void theSameEntriesGiveTheSameBytes() {
        assertArrayEquals(new CpioNewcWriter().file("a", 0644, new byte[7]).finish(),
                new CpioNewcWriter().file("a", 0644, new byte[7]).finish());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/init", "bin/", "a//b", "../etc", "a/./b", "TRAILER!!!", "nul\0name"})
    void namesThatAreNotPlainRelativePathsAreRejected(String name) {
        assertThrows(IllegalArgumentException.class, () -> new CpioNewcWriter().file(name, 0644, new byte[0]));
    }

    @Test
    void childrenNeedTheirParentFirstAndNamesAreUnique() {
        assertThrows(IllegalArgumentException.class, () -> new CpioNewcWriter().file("bin/busybox", 0755, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new CpioNewcWriter().directory("bin", 0755).directory("bin", 0755));
    }

    @Test
    void permissionsBeyondTheModeBitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CpioNewcWriter().file("a", 0100644, new byte[0]));
    }

    @Test
    void aFinishedArchiveTakesNoMoreEntries() {
        CpioNewcWriter w = new CpioNewcWriter();
        byte[] first = w.finish();
        assertArrayEquals(first, w.finish());
        assertThrows(IllegalStateException.class, () -> w.directory("late", 0755));
    }
}
