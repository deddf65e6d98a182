package dev.panavisor.launcher;

import dev.panavisor.firmware.linux.KernelImage;
import dev.panavisor.firmware.linux.PvhElfKernel;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestMemoryException;
import dev.panavisor.vmm.memory.GuestRegion;
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
}
