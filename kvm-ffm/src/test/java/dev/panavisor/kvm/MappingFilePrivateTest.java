package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.Libc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mapping.mapFilePrivately puts a file's pages into part of an anonymous mapping, copy-on-write
 * (mmap(2), MAP_PRIVATE | MAP_FIXED): the bytes read are the file's, a write changes only this
 * process's copy, and the rest of the mapping is untouched anonymous memory.
 */
class MappingFilePrivateTest {
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private Path file(int pages) throws IOException {
        byte[] bytes = new byte[pages * PAGE];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31 + i / PAGE);
        Path p = dir.resolve("image");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsAreTheFilesAndWritesStayPrivate() throws IOException {
        Path p = file(4);
        byte[] original = Files.readAllBytes(p);
        int fd = Posix.open(p.toString(), Libc.O_RDONLY() | Libc.O_CLOEXEC());
        try (Mapping m = Mapping.anonymous(8L * PAGE)) {
            m.segment().set(JAVA_BYTE, 0, (byte) 0x5A);
            m.mapFilePrivately(2L * PAGE, 3L * PAGE, fd, PAGE, "test image");
            Posix.close(fd); // the mapping holds the file itself
            byte[] seen = m.segment().asSlice(2L * PAGE, 3L * PAGE).toArray(JAVA_BYTE);
            assertArrayEquals(Arrays.copyOfRange(original, PAGE, 4 * PAGE), seen);
            assertEquals(0x5A, m.segment().get(JAVA_BYTE, 0), "pages outside the range keep their contents");
            assertEquals(0, m.segment().get(JAVA_BYTE, 5L * PAGE), "pages after the range stay anonymous");

            m.segment().set(JAVA_BYTE, 3L * PAGE + 7, (byte) ~original[2 * PAGE + 7]);
            assertEquals((byte) ~original[2 * PAGE + 7], m.segment().get(JAVA_BYTE, 3L * PAGE + 7));
        }
        assertArrayEquals(original, Files.readAllBytes(p), "a write to a private mapping never reaches the file");
    }

    @Test
    void unalignedOrOutOfRangeRequestsAreRefusedBeforeAnyMmap() throws IOException {
        Path p = file(2);
        int fd = Posix.open(p.toString(), Libc.O_RDONLY() | Libc.O_CLOEXEC());
        try (Mapping m = Mapping.anonymous(4L * PAGE)) {
            m.segment().set(JAVA_BYTE, PAGE + 1, (byte) 9);
            var e = assertThrows(IllegalArgumentException.class, () -> m.mapFilePrivately(PAGE, PAGE, fd, 100, "kernel"));
            assertTrue(e.getMessage().startsWith("kernel: "), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.mapFilePrivately(1, PAGE, fd, 0, "kernel"));
            assertThrows(IllegalArgumentException.class, () -> m.mapFilePrivately(3L * PAGE, 2L * PAGE, fd, 0, "kernel"));
            assertThrows(IllegalArgumentException.class, () -> m.mapFilePrivately(-PAGE, PAGE, fd, 0, "kernel"));
            assertThrows(IllegalArgumentException.class, () -> m.mapFilePrivately(0, 0, fd, 0, "kernel"));
            assertEquals(9, m.segment().get(JAVA_BYTE, PAGE + 1), "nothing was replaced");
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    void aFailedMappingIsTheKernelsErrorAndLeavesZeroedMemory() {
        try (Mapping m = Mapping.anonymous(2L * PAGE)) {
            m.segment().set(JAVA_BYTE, 10, (byte) 1);
            KvmException e = assertThrows(KvmException.class, () -> m.mapFilePrivately(0, PAGE, 1_000_000, 0, "kernel"));
            assertEquals(Errno.EBADF, e.errno());
            assertTrue(e.getMessage().contains("kernel"), e.getMessage());
            // The range is memory again, never a hole: zeroed anonymous pages.
            assertEquals(0, m.segment().get(JAVA_BYTE, 10));
            m.segment().set(JAVA_BYTE, 10, (byte) 2);
            assertEquals(2, m.segment().get(JAVA_BYTE, 10));
        }
    }

    @Test
    void aClosedMappingIsNeverMappedInto() throws IOException {
        Path p = file(1);
        int fd = Posix.open(p.toString(), Libc.O_RDONLY() | Libc.O_CLOEXEC());
        try {
            Mapping m = Mapping.anonymous(PAGE);
            m.close();
            assertThrows(IllegalStateException.class, () -> m.mapFilePrivately(0, PAGE, fd, 0, "kernel"));
        } finally {
            Posix.close(fd);
        }
    }
}
