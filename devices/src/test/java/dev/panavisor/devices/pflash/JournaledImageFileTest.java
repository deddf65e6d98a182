package dev.panavisor.devices.pflash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The varstore durability protocol: journal record, fsync, in-place write, recovery on open. */
class JournaledImageFileTest {
    static final int BLOCK = 4096;
    static final int BLOCKS = 8;

    @TempDir Path dir;

    Path image(byte fill) throws IOException {
        Path p = dir.resolve("vars.fd");
        byte[] b = new byte[BLOCK * BLOCKS];
        Arrays.fill(b, fill);
        Files.write(p, b);
        return p;
    }

    static MemorySegment block(byte fill) {
        MemorySegment s = Arena.ofAuto().allocate(BLOCK);
        s.fill(fill);
        return s;
    }

    @Test
    void persistWritesTheBlockInPlaceAndLeavesNoJournal() throws IOException {
        Path p = image((byte) 0);
        try (JournaledImageFile f = JournaledImageFile.open(p)) {
            f.persist(2L * BLOCK, block((byte) 0x5A));
            assertEquals(0, Files.size(JournaledImageFile.journalFor(p)));
        }
        byte[] all = Files.readAllBytes(p);
        assertEquals(0, all[2 * BLOCK - 1]);
        assertEquals(0x5A, all[2 * BLOCK]);
        assertEquals(0x5A, all[3 * BLOCK - 1]);
        assertEquals(0, all[3 * BLOCK]);
        assertFalse(Files.exists(JournaledImageFile.journalFor(p)), "an empty journal is removed on close");
    }

    @Test
    void readIntoLoadsTheWholeImage() throws IOException {
        Path p = image((byte) 0x33);
        try (JournaledImageFile f = JournaledImageFile.open(p)) {
            MemorySegment dst = Arena.ofAuto().allocate(f.size());
            f.readInto(dst);
            assertEquals(0x33, dst.get(ValueLayout.JAVA_BYTE, f.size() - 1));
        }
    }

    /** A committed record whose in-place write was torn (or never started) is completed on open. */
    @Test
    void openReplaysACompleteRecord() throws IOException {
        Path p = image((byte) 0);
        Files.write(JournaledImageFile.journalFor(p), record(3L * BLOCK, (byte) 0x77, BLOCK * BLOCKS));
        // Simulate a torn in-place write: half of the block already new.
        byte[] all = Files.readAllBytes(p);
        Arrays.fill(all, 3 * BLOCK, 3 * BLOCK + BLOCK / 2, (byte) 0x77);
        Files.write(p, all);
        try (JournaledImageFile f = JournaledImageFile.open(p)) {
            assertEquals(0, Files.size(JournaledImageFile.journalFor(p)));
        }
        all = Files.readAllBytes(p);
        for (int i = 0; i < BLOCK; i++) assertEquals(0x77, all[3 * BLOCK + i]);
        assertEquals(0, all[4 * BLOCK]);
    }

    /** Every prefix of a record (a kill during the journal write) leaves the old block. */
    @Test
    void everyTruncatedRecordIsDiscardedAndTheOldBlockKept() throws IOException {
        byte[] rec = record(BLOCK, (byte) 0x44, BLOCK * BLOCKS);
        for (int cut : new int[]{0, 1, 4, 31, 32, 33, 100, BLOCK, rec.length - 4, rec.length - 1}) {
            Path p = image((byte) 0x11);
            Files.write(JournaledImageFile.journalFor(p), Arrays.copyOf(rec, cut));
            try (JournaledImageFile f = JournaledImageFile.open(p)) {
                assertEquals(0, Files.size(JournaledImageFile.journalFor(p)));
            }
            byte[] all = Files.readAllBytes(p);
            for (byte b : all) assertEquals(0x11, b, "cut at " + cut);
        }
    }

    @Test
    void aCorruptChecksumIsDiscarded() throws IOException {
        Path p = image((byte) 0x11);
        byte[] rec = record(0, (byte) 0x44, BLOCK * BLOCKS);
        rec[100] ^= 1;
        Files.write(JournaledImageFile.journalFor(p), rec);
        JournaledImageFile.open(p).close();
        assertEquals(0x11, Files.readAllBytes(p)[100]);
    }

    @Test
    void validationNamesEachBrokenRule() {
        byte[] good = record(BLOCK, (byte) 1, BLOCK * BLOCKS);
        assertNull(JournaledImageFile.validate(le(good), BLOCK * BLOCKS));
        assertNotNull(JournaledImageFile.validate(le(good), BLOCK * BLOCKS + 1L), "record for another image size");
        byte[] badMagic = good.clone(); badMagic[0] ^= 1;
        assertEquals("bad magic", JournaledImageFile.validate(le(badMagic), BLOCK * BLOCKS));
        byte[] outside = record(BLOCK * BLOCKS, (byte) 1, BLOCK * BLOCKS);
        assertEquals("record range is outside the image", JournaledImageFile.validate(le(outside), BLOCK * BLOCKS));
    }

    @Test
    void persistRefusesRangesOutsideTheImage() throws IOException {
        try (JournaledImageFile f = JournaledImageFile.open(image((byte) 0))) {
            assertThrows(IllegalArgumentException.class, () -> f.persist(BLOCK * BLOCKS, block((byte) 1)));
            assertThrows(IllegalArgumentException.class, () -> f.persist(-1, block((byte) 1)));
        }
    }

    @Test
    void aRecordOnDiskMatchesWhatPersistWrites() throws IOException {
        byte[] rec = record(2L * BLOCK, (byte) 9, BLOCK * BLOCKS);
        ByteBuffer b = le(rec);
        assertEquals(JournaledImageFile.MAGIC, b.getInt(0));
        assertEquals(2L * BLOCK, b.getLong(8));
        assertEquals(BLOCK, b.getInt(16));
        assertArrayEquals(new byte[]{'P', 'V', 'F', 'J'}, Arrays.copyOf(rec, 4));
    }

    static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    /** A record as the journal format describes it (independently of persist()). */
    static byte[] record(long offset, byte fill, long imageSize) {
        ByteBuffer b = ByteBuffer.allocate(32 + BLOCK + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{'P', 'V', 'F', 'J'}).putShort((short) 1).putShort((short) 0).putLong(offset)
                .putInt(BLOCK).putInt(0).putLong(imageSize);
        for (int i = 0; i < BLOCK; i++) b.put(fill);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 0, 32 + BLOCK);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
