package dev.panavisor.launcher;

import dev.panavisor.firmware.linux.KernelImage;
import dev.panavisor.firmware.linux.PvhElfKernel;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestMemoryException;
import dev.panavisor.vmm.memory.GuestRegion;
import dev.panavisor.vmm.vm.GuestRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Kernel and initrd files go from the file straight into guest RAM, with both ranges checked. */
class BootFileTest {
    private final Arena arena = Arena.ofConfined();
    private final GuestMemory memory = new GuestMemory(List.of(new GuestRegion("ram", 0, arena.allocate(1 << 20, 4096), false, -1)));

    @TempDir
    Path dir;

    @AfterEach
    void close() { arena.close(); }

    private Path file(byte[] bytes) throws IOException {
        Path p = dir.resolve("image");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void copiesAFileRangeIntoGuestMemoryByPread() throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        try (BootFile f = BootFile.open(file(bytes), "--initrd")) {
            assertEquals(bytes.length, f.size());
            f.copyTo(memory, 0x1000, 12_345, 200_000);
        }
        byte[] copied = memory.readBytes(0x1000, 200_000);
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 12_345, 212_345), copied);
    }

    @Test
    void theMappingServesHeadersInPlace() throws IOException {
        byte[] bytes = {1, 2, 3, 4, 5};
        try (BootFile f = BootFile.open(file(bytes), "--kernel")) {
            assertEquals(3, f.contents().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2));
        }
    }

    @Test
    void aRangePastTheEndOfTheFileIsRefusedNamingTheFile() throws IOException {
        try (BootFile f = BootFile.open(file(new byte[100]), "--kernel")) {
            var e = assertThrows(IllegalArgumentException.class, () -> f.copyTo(memory, 0, 50, 51));
            assertTrue(e.getMessage().startsWith("--kernel "), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.copyTo(memory, 0, -1, 10));
        }
    }

    @Test
    void aGuestRangeOutsideRamIsRefusedBeforeAnythingIsRead() throws IOException {
        try (BootFile f = BootFile.open(file(new byte[4096]), "--initrd")) {
            assertThrows(GuestMemoryException.class, () -> f.copyTo(memory, (1 << 20) - 100, 0, 4096));
        }
    }

    @Test
    void missingFilesAreOneLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> BootFile.open(dir.resolve("nope"), "--kernel"));
        assertEquals("--kernel " + dir.resolve("nope") + ": no such file", e.getMessage());
    }

    @Test
    void anEmptyFileOpensWithSizeZero() throws IOException {
        try (BootFile f = BootFile.open(file(new byte[0]), "--initrd")) {
            assertEquals(0, f.size());
        }
    }

    @Test
    void aMappedElfParsesLikeTheSameBytesOnTheHeap() throws IOException {
        // A minimal ELF64 with one PT_LOAD and a Xen PVH note, built by hand.
        byte[] elf = new byte[0x200];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464C457F).put(4, (byte) 2).put(5, (byte) 1).putShort(0x12, (short) 62);
        b.putLong(0x20, 0x40).putShort(0x36, (short) 56).putShort(0x38, (short) 2);
        b.putInt(0x40, 1).putLong(0x48, 0x100).putLong(0x58, 0x100000).putLong(0x60, 0x80).putLong(0x68, 0x1000);
        b.putInt(0x78, 4).putLong(0x80, 0x180).putLong(0x98, 20);
        b.putInt(0x180, 4).putInt(0x184, 4).putInt(0x188, PvhElfKernel.XEN_ELFNOTE_PHYS32_ENTRY);
        b.put(0x18C, (byte) 'X').put(0x18D, (byte) 'e').put(0x18E, (byte) 'n').put(0x18F, (byte) 0).putInt(0x190, 0x100010);
        PvhElfKernel heap = (PvhElfKernel) KernelImage.parse(elf);
        try (BootFile f = BootFile.open(file(elf), "--kernel")) {
            PvhElfKernel mapped = (PvhElfKernel) KernelImage.parse(f.contents());
            assertEquals(heap.pvhEntry(), mapped.pvhEntry());
            assertEquals(heap.segments(), mapped.segments());
        }
    }

    private static final List<GuestRam.Layout> RAM = List.of(new GuestRam.Layout("ram", 0, 1 << 20, false));

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Whether /proc/self/maps shows {@code file} mapped over the host address of {@code gpa}. */
    private static boolean fileMappedAt(GuestRam ram, long gpa, Path file) throws IOException {
        long host = ram.memory().slice(gpa, 1).address();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.trim().split("\\s+");
            String[] range = f[0].split("-");
            if (Long.parseUnsignedLong(range[0], 16) <= host && host < Long.parseUnsignedLong(range[1], 16)) {
                return f.length >= 6 && f[5].equals(file.toRealPath().toString());
            }
        }
        return false;
    }

    @Test
    void placeIntoMapsWholePagesCopyOnWriteAndCopiesTheEnds() throws IOException {
        byte[] bytes = random(5 * 4096 + 100, 11);
        Path p = file(bytes);
        long gpa = 0x20000 + 0x300;
        int offset = 0x300;
        int length = bytes.length - offset - 50;
        try (GuestRam ram = GuestRam.unregistered(RAM); BootFile f = BootFile.open(p, "--kernel")) {
            f.placeInto(ram, gpa, offset, length);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, offset, offset + length), ram.memory().readBytes(gpa, length));
            assertEquals(0, ram.memory().readU8(gpa + length), "nothing past the range");
            assertTrue(fileMappedAt(ram, 0x21000, p), "the first whole page is the file's");
            assertFalse(fileMappedAt(ram, 0x20000, p), "the partial first page is a copy");
            assertFalse(fileMappedAt(ram, 0x25000, p), "the partial last page is a copy");

            ram.memory().write(0x22000, new byte[] {(byte) ~bytes[0x2000]});
            assertEquals((byte) ~bytes[0x2000], (byte) ram.memory().readU8(0x22000));
        }
        assertArrayEquals(bytes, Files.readAllBytes(p), "the guest's writes never reach the file");
    }

    @Test
    void placeIntoCopiesWhenFileAndGuestOffsetsDifferWithinAPage() throws IOException {
        byte[] bytes = random(3 * 4096, 12);
        Path p = file(bytes);
        try (GuestRam ram = GuestRam.unregistered(RAM); BootFile f = BootFile.open(p, "--initrd")) {
            f.placeInto(ram, 0x10001, 0, bytes.length);
            assertArrayEquals(bytes, ram.memory().readBytes(0x10001, bytes.length));
            assertFalse(fileMappedAt(ram, 0x11000, p));
        }
    }

    @Test
    void placeIntoChecksBothRangesBeforeMappingAnything() throws IOException {
        Path p = file(random(4 * 4096, 13));
        try (GuestRam ram = GuestRam.unregistered(RAM); BootFile f = BootFile.open(p, "--kernel")) {
            assertThrows(GuestMemoryException.class, () -> f.placeInto(ram, (1 << 20) - 4096, 0, 2 * 4096));
            assertFalse(fileMappedAt(ram, (1 << 20) - 4096, p));
            var e = assertThrows(IllegalArgumentException.class, () -> f.placeInto(ram, 0, 4096, 4 * 4096));
            assertTrue(e.getMessage().startsWith("--kernel "), e.getMessage());
        }
    }

    @Test
    void placeIntoCopiesAnImageThatIsOnlyInMemory() {
        byte[] bytes = random(3 * 4096, 14);
        try (GuestRam ram = GuestRam.unregistered(RAM); BootFile f = BootFile.of("kernel", bytes)) {
            f.placeInto(ram, 0x40000, 0, bytes.length);
            assertArrayEquals(bytes, ram.memory().readBytes(0x40000, bytes.length));
        }
    }

    @Test
    void aFileRenamedAfterOpeningIsStillTheOneLoaded() throws IOException {
        byte[] first = random(2 * 4096, 15);
        Path p = file(first);
        try (GuestRam ram = GuestRam.unregistered(RAM); BootFile f = BootFile.open(p, "--kernel")) {
            Files.move(p, dir.resolve("moved"));
            Files.write(p, random(2 * 4096, 16));
            f.placeInto(ram, 0x10000, 0, first.length);
            assertArrayEquals(first, ram.memory().readBytes(0x10000, first.length));
        }
    }
}
