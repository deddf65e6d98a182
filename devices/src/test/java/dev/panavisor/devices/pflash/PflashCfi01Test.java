package dev.panavisor.devices.pflash;

import dev.panavisor.vmm.memory.RomDeviceMapping;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Command-set rules of the Intel/Sharp CFI flash (Intel StrataFlash 28F128J3 datasheet,
 * "Bus Operations" and "Command Definitions"; JEDEC JESD68.01 for the query table) as
 * QEMU's pflash_cfi01 implements them for the PC machine.
 */
class PflashCfi01Test {
    static final int BLOCK = PflashCfi01.PC_BLOCK_BYTES;
    /** OVMF_VARS_4M.fd's size: 132 blocks. */
    static final int VARS_BYTES = 540672;

    final MemorySegment storage = Arena.ofAuto().allocate(VARS_BYTES, 4096);
    final RomDeviceMapping mapping = RomDeviceMapping.detached();
    final RecordingBacking backing = new RecordingBacking();

    PflashCfi01 flash(boolean readOnly) {
        for (long i = 0; i < VARS_BYTES; i++) storage.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 3));
        return new PflashCfi01("test", storage, BLOCK, readOnly, mapping, backing, FlashIdentity.QEMU_PC);
    }

    byte at(long offset) { return storage.get(ValueLayout.JAVA_BYTE, offset); }

    @Test
    void powerOnIsReadArrayMappedDirectlyWithReadyStatus() {
        PflashCfi01 f = flash(false);
        assertTrue(f.inReadArrayMode());
        assertTrue(mapping.isMappedReadOnly());
        assertEquals(PflashCfi01.SR_READY, f.status());
        assertEquals(Byte.toUnsignedLong(at(0x123)), f.read(0x123, 1));
        long expected = Byte.toUnsignedLong(at(0x10)) | Byte.toUnsignedLong(at(0x11)) << 8
                | Byte.toUnsignedLong(at(0x12)) << 16 | Byte.toUnsignedLong(at(0x13)) << 24;
        assertEquals(expected, f.read(0x10, 4), "array reads are little-endian");
    }

    @Test
    void readStatusCommandTrapsReadsAndReturnsTheStatusRegister() {
        PflashCfi01 f = flash(false);
        f.write(0x40, 1, 0x70);
        assertFalse(mapping.isMappedReadOnly(), "status reads need every access to reach the device");
        assertEquals(0x80, f.read(0x999, 1));
        assertEquals(0x80, f.read(0x0, 2));
        assertEquals(0x0080_0080L, f.read(0x0, 4), "QEMU replicates the status in bits 16..23 for dword reads");
        f.write(0, 1, 0xFF);
        assertTrue(f.inReadArrayMode());
        assertTrue(mapping.isMappedReadOnly());
    }

    /** The probe OVMF's QemuFlashDetected() runs: 0x50, read, 0x70, read == 0x00 means "behaves as FLASH". */
    @Test
    void ovmfFlashProbeSequenceSeesFlash() {
        PflashCfi01 f = flash(false);
        long original = f.read(0, 1);
        f.write(0, 1, 0x50);
        assertEquals(original, f.read(0, 1), "clear status returns to read-array mode");
        assertTrue(mapping.isMappedReadOnly());
        f.write(0, 1, 0x70);
        assertEquals(0x00, f.read(0, 1), "cleared status register");
        f.write(0, 1, 0xFF);
        assertEquals(original, f.read(0, 1));
    }

    @Test
    void byteProgramWithEitherSetupCommandWritesTheByteAndLeavesStatusMode() {
        PflashCfi01 f = flash(false);
        f.write(0x2000, 1, 0x10);
        f.write(0x2000, 1, 0xA5);
        assertEquals((byte) 0xA5, at(0x2000));
        assertEquals(0x80, f.read(0x2000, 1), "after a program the part answers with status until read-array");
        f.write(0x2001, 1, 0x40);
        f.write(0x2001, 1, 0x5A);
        assertEquals((byte) 0x5A, at(0x2001));
        assertTrue(backing.writes.isEmpty(), "nothing is saved while the sequence is still under way");
        f.write(0, 1, 0xFF);
        assertEquals(1, backing.writes.size(), "one block saved on return to read-array");
        assertEquals(0x2000, backing.writes.getFirst().offset());
        assertEquals((byte) 0xA5, backing.writes.getFirst().content()[0]);
    }

    @Test
    void blockEraseNeedsTheConfirmCommandAndErasesTheWholeAlignedBlock() {
        PflashCfi01 f = flash(false);
        f.write(0x3123, 1, 0x20);
        assertEquals((byte) (0x3000 * 7 + 3), at(0x3000), "setup alone erases nothing");
        f.write(0x3123, 1, 0xD0);
        for (long i = 0x3000; i < 0x4000; i++) assertEquals((byte) 0xFF, at(i));
        assertEquals((byte) (0x2FFF * 7 + 3), at(0x2FFF), "the previous block is untouched");
        assertEquals((byte) (0x4000 * 7 + 3), at(0x4000), "the next block is untouched");
        assertEquals(0x80, f.read(0x3000, 1));
    }

    @Test
    void eraseSetupFollowedByReadArrayOrGarbageErasesNothing() {
        PflashCfi01 f = flash(false);
        f.write(0x1000, 1, 0x20);
        f.write(0x1000, 1, 0xFF);
        assertTrue(f.inReadArrayMode());
        f.write(0x1000, 1, 0x20);
        f.write(0x1000, 1, 0x33);
        assertTrue(f.inReadArrayMode(), "an unexpected second cycle drops back to read-array, as QEMU does");
        assertEquals((byte) (0x1000 * 7 + 3), at(0x1000));
    }

    @Test
    void writeToBufferProgramsCountPlusOneBytesOnConfirm() {
        PflashCfi01 f = flash(false);
        f.write(0x5100, 1, 0xE8);
        assertEquals(0x80, f.read(0x5100, 1), "XSR: buffer available");
        f.write(0x5100, 1, 3); // four bytes follow
        for (int i = 0; i < 4; i++) f.write(0x5100 + i, 1, 0xC0 + i);
        assertEquals((byte) (0x5100 * 7 + 3), at(0x5100), "nothing is programmed before the confirm");
        f.write(0x5100, 1, 0xD0);
        for (int i = 0; i < 4; i++) assertEquals((byte) (0xC0 + i), at(0x5100 + i));
        assertEquals((byte) (0x5104 * 7 + 3), at(0x5104));
        assertEquals(0x80, f.read(0, 1));
    }

    @Test
    void writeToBufferWithoutConfirmIsAbandoned() {
        PflashCfi01 f = flash(false);
        f.write(0x5100, 1, 0xE8);
        f.write(0x5100, 1, 0);
        f.write(0x5100, 1, 0x11);
        f.write(0x5100, 1, 0xFF);
        assertTrue(f.inReadArrayMode());
        assertEquals((byte) (0x5100 * 7 + 3), at(0x5100));
    }

    @Test
    void writeToBufferOutsideTheAlignedWindowIsAProgramErrorAndProgramsNothing() {
        PflashCfi01 f = flash(false);
        f.write(0x50F0, 1, 0xE8);
        f.write(0x50F0, 1, 1);
        f.write(0x50F0, 1, 0x11);
        f.write(0x5200, 1, 0x22); // a different 256-byte window
        f.write(0x50F0, 1, 0xD0);
        assertEquals((byte) (0x50F0 * 7 + 3), at(0x50F0));
        f.write(0, 1, 0x70);
        assertEquals(PflashCfi01.SR_PROGRAM_ERROR | PflashCfi01.SR_READY, f.read(0, 1));
        f.write(0, 1, 0x50);
        f.write(0, 1, 0x70);
        assertEquals(0, f.read(0, 1), "clear status clears the error bits");
    }

    @Test
    void readOnlyUnitRefusesProgramAndEraseWithTheDatasheetErrorBits() {
        PflashCfi01 f = flash(true);
        byte before = at(0x100);
        f.write(0x100, 1, 0x10);
        f.write(0x100, 1, 0x00);
        assertEquals(before, at(0x100));
        assertEquals(PflashCfi01.SR_READY | PflashCfi01.SR_PROGRAM_ERROR, f.read(0x100, 1));
        f.write(0x100, 1, 0x20);
        f.write(0x100, 1, 0xD0);
        assertEquals(before, at(0x100));
        assertEquals(PflashCfi01.SR_READY | PflashCfi01.SR_PROGRAM_ERROR | PflashCfi01.SR_ERASE_ERROR, f.read(0x100, 1));
        f.write(0x100, 1, 0xE8);
        f.write(0x100, 1, 0);
        f.write(0x100, 1, 0x00);
        f.write(0x100, 1, 0xD0);
        assertEquals(before, at(0x100));
        assertEquals(3, f.rejectedWrites());
        f.write(0, 1, 0xFF);
        assertTrue(backing.writes.isEmpty());
    }

    @Test
    void cfiQueryDescribesTheGeometry() {
        PflashCfi01 f = flash(false);
        f.write(0x55, 1, 0x98);
        assertFalse(mapping.isMappedReadOnly());
        assertEquals('Q', f.read(0x10, 1));
        assertEquals('R', f.read(0x11, 1));
        assertEquals('Y', f.read(0x12, 1));
        assertEquals(0x01, f.read(0x13, 1), "Intel/Sharp extended command set");
        assertEquals(0x31, f.read(0x15, 1), "primary extended table address");
        assertEquals(20, f.read(0x27, 1), "2^20 is the smallest power of two holding 540672 bytes");
        assertEquals(8, f.read(0x2A, 1), "256-byte write buffer");
        assertEquals(1, f.read(0x2C, 1), "one uniform erase region");
        assertEquals(131, f.read(0x2D, 1) | f.read(0x2E, 1) << 8, "blocks - 1");
        assertEquals(BLOCK / 256, f.read(0x2F, 1) | f.read(0x30, 1) << 8, "block size in 256-byte units");
        assertEquals('P', f.read(0x31, 1));
        assertEquals('R', f.read(0x32, 1));
        assertEquals('I', f.read(0x33, 1));
        assertEquals(0, f.read(0x80, 1), "past the table");
        assertEquals('Q', f.read(0x1010, 1), "only the low address byte selects the query offset");
        f.write(0x55, 1, 0x70);
        assertEquals('Q', f.read(0x10, 1), "only read-array leaves query mode");
        f.write(0x55, 1, 0xFF);
        assertTrue(f.inReadArrayMode());
    }

    @Test
    void readIdentifierAnswersManufacturerAndDeviceThenAnyCommandEndsIt() {
        for (long i = 0; i < VARS_BYTES; i++) storage.set(ValueLayout.JAVA_BYTE, i, (byte) 0x11);
        PflashCfi01 f = new PflashCfi01("id", storage, BLOCK, false, mapping, backing, new FlashIdentity(0x00, 0x89, 0x00, 0x18));
        f.write(0, 1, 0x90);
        assertEquals(0x0089, f.read(0, 1) & 0xFFFF);
        assertEquals(0x0018, f.read(1, 1) & 0xFFFF);
        assertEquals(0, f.read(2, 1), "block lock status is not modelled");
        f.write(0, 1, 0xFF);
        assertEquals(0x11, f.read(0, 1));
    }

    @Test
    void unknownFirstCycleCommandReturnsToReadArray() {
        PflashCfi01 f = flash(false);
        f.write(0, 1, 0x70);
        f.write(0, 1, 0x42);
        assertTrue(f.inReadArrayMode());
        assertTrue(mapping.isMappedReadOnly());
    }

    @Test
    void aDirtyBlockIsSavedBeforeAnotherBlockChanges() {
        PflashCfi01 f = flash(false);
        f.write(0x1000, 1, 0x10);
        f.write(0x1000, 1, 0x01);
        f.write(0x1001, 1, 0x10);
        f.write(0x1001, 1, 0x02);
        assertTrue(backing.writes.isEmpty());
        f.write(0x8000, 1, 0x10);
        f.write(0x8000, 1, 0x03);
        assertEquals(1, backing.writes.size());
        assertEquals(0x1000, backing.writes.getFirst().offset());
        assertEquals(BLOCK, backing.writes.getFirst().content().length);
        assertArrayEquals(new byte[]{1, 2}, java.util.Arrays.copyOf(backing.writes.getFirst().content(), 2));
        f.reset();
        assertEquals(2, backing.writes.size(), "reset saves the last dirty block");
        assertEquals(0x8000, backing.writes.get(1).offset());
    }

    @Test
    void resetReturnsToReadArrayWithReadyStatus() {
        PflashCfi01 f = flash(false);
        f.write(0, 1, 0x50);
        f.write(0, 1, 0x98);
        f.reset();
        assertTrue(f.inReadArrayMode());
        assertTrue(mapping.isMappedReadOnly());
        assertEquals(PflashCfi01.SR_READY, f.status());
    }

    @Test
    void accessesOutsideTheUnitAreIgnored() {
        PflashCfi01 f = flash(false);
        assertEquals(0xFF, f.read(VARS_BYTES, 1));
        f.write(VARS_BYTES + 5, 1, 0x70);
        assertTrue(f.inReadArrayMode());
        assertEquals(0xFFFF_FFFFL & (0xFFFFFF00L | Byte.toUnsignedLong(at(VARS_BYTES - 1))), f.read(VARS_BYTES - 1, 4),
                "bytes past the end read as erased");
    }

    @Test
    void geometryMustBeWholeBlocks() {
        MemorySegment odd = Arena.ofAuto().allocate(BLOCK + 1);
        assertThrows(IllegalArgumentException.class,
                () -> new PflashCfi01("odd", odd, BLOCK, false, mapping, backing, FlashIdentity.QEMU_PC));
    }
}
