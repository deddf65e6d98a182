package dev.panavisor.devices.pflash;

import dev.panavisor.vmm.memory.RomDeviceMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A variable update as OVMF's QemuFlashFvbServicesRuntimeDxe performs it (probe, block
 * erase + confirm, one byte-program command per byte, read-array after each operation),
 * on a copy of Debian's OVMF_VARS_4M.fd, then a fresh device on the same file ("the next
 * launcher run") reads it back. OVMF itself cannot get that far on this project's CI host
 * (docs/platform.md), so this is the varstore-persistence test at the device level.
 */
class OvmfVarstoreWriteTest {
    static final Path DEBIAN_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
    static final int BLOCK = PflashCfi01.PC_BLOCK_BYTES;

    @TempDir Path dir;

    record Unit(PflashCfi01 flash, JournaledImageFile file, MemorySegment storage) { }

    static Unit open(Path image) throws IOException {
        JournaledImageFile f = JournaledImageFile.open(image);
        MemorySegment s = Arena.ofAuto().allocate(f.size(), 4096);
        f.readInto(s);
        return new Unit(new PflashCfi01("vars", s, BLOCK, false, RomDeviceMapping.detached(), f, FlashIdentity.QEMU_PC), f, s);
    }

    /** QemuFlashDetected(): 0x50, read, 0x70, read must be 0x00 ("behaves as FLASH"), then 0xFF. */
    static boolean probe(PflashCfi01 f, long offset) {
        long original = f.read(offset, 1);
        f.write(offset, 1, 0x50);
        long afterClear = f.read(offset, 1);
        f.write(offset, 1, 0x70);
        long status = f.read(offset, 1);
        f.write(offset, 1, 0xFF);
        return afterClear == original && status == 0x00;
    }

    /** QemuFlashEraseBlock() then QemuFlashWrite(): one 0x10 + data pair per byte, 0xFF at the end. */
    static void rewriteBlock(PflashCfi01 f, long blockOffset, byte[] data) {
        f.write(blockOffset, 1, 0x20);
        f.write(blockOffset, 1, 0xD0);
        f.write(blockOffset, 1, 0xFF);
        for (int i = 0; i < data.length; i++) {
            f.write(blockOffset + i, 1, 0x10);
            f.write(blockOffset + i, 1, data[i] & 0xFF);
        }
        f.write(blockOffset, 1, 0xFF);
    }

    @Test
    void aVariableWrittenTheWayOvmfDoesIsThereOnTheNextRun() throws IOException {
        assertTrue(Files.isRegularFile(DEBIAN_VARS), "scripts/setup.sh installs ovmf");
        Path vars = dir.resolve("vars.fd");
        Files.copy(DEBIAN_VARS, vars, StandardCopyOption.REPLACE_EXISTING);
        byte[] original = Files.readAllBytes(vars);
        assertEquals("_FVH", new String(original, 0x28, 4, StandardCharsets.US_ASCII), "a firmware volume");

        byte[] record = "Boot0001 UEFI Shell\0 written by the test".getBytes(StandardCharsets.US_ASCII);
        long block = 16L * BLOCK;
        Unit first = open(vars);
        assertTrue(probe(first.flash(), 0));
        rewriteBlock(first.flash(), block, record);
        first.flash().flush();
        first.file().close();

        Unit second = open(vars);
        byte[] seen = second.storage().asSlice(block, record.length).toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(record, seen);
        assertEquals((byte) 0xFF, second.storage().get(ValueLayout.JAVA_BYTE, block + record.length), "rest of the block erased");
        byte[] now = Files.readAllBytes(vars);
        for (int i = 0; i < now.length; i++) {
            if (i < block || i >= block + BLOCK) assertEquals(original[i], now[i], "byte " + i + " outside the block changed");
        }
        second.file().close();
    }
}
