package dev.panavisor.devices.pflash;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A raw flash image (the same bytes QEMU would use, e.g. a copy of OVMF_VARS.fd) whose
 * block updates survive a kill -9 or power loss at any instant without tearing a block.
 *
 * <p>Each update is written twice: first as one record to a side journal
 * ({@code IMAGE.journal}: header, block content, CRC32C over both), which is fsync'd;
 * only then in place into the image, which is fsync'd, and the journal is emptied. On
 * open, a journal holding a complete record with a valid checksum is replayed into the
 * image (the update was committed, the in-place write may be torn); a short or corrupt
 * record is discarded (the in-place write had not started, the old block is intact).
 * Replaying is idempotent, so a crash during recovery is harmless too.
 *
 * <p>Record layout, little-endian: magic "PVFJ" u32, version u16, reserved u16, offset u64,
 * length u32, reserved u32, image size u64, content[length], CRC32C u32 of everything before it.
 */
public final class JournaledImageFile implements FlashBacking {
    private static final Logger LOG = LoggerFactory.getLogger(JournaledImageFile.class);

    static final int MAGIC = 0x4A465650; // "PVFJ" read as little-endian
    static final short VERSION = 1;
    static final int HEADER_BYTES = 32;
    static final int TRAILER_BYTES = 4;

    private final Path image;
    private final Path journalPath;
    private final FileChannel data;
    private final FileChannel journal;
    private final long size;
    private ByteBuffer record = ByteBuffer.allocateDirect(0);

    private JournaledImageFile(Path image, FileChannel data, Path journalPath, FileChannel journal, long size) {
        this.image = image;
        this.data = data;
        this.journalPath = journalPath;
        this.journal = journal;
        this.size = size;
    }

    /** The journal that goes with {@code image}. */
    public static Path journalFor(Path image) {
        return image.resolveSibling(image.getFileName() + ".journal");
    }

    /** Opens {@code image} read-write, finishing or discarding any update a crash interrupted. */
    public static JournaledImageFile open(Path image) throws IOException {
        FileChannel data = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel journal = null;
        try {
            long size = data.size();
            Path jp = journalFor(image);
            journal = FileChannel.open(jp, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
            JournaledImageFile f = new JournaledImageFile(image, data, jp, journal, size);
            f.recover();
            return f;
        } catch (IOException | RuntimeException e) {
            data.close();
            if (journal != null) journal.close();
            throw e;
        }
    }

    public long size() { return size; }

    public Path path() { return image; }

    /** Reads the whole image into {@code dst} (which must be exactly the image's size). */
    public void readInto(MemorySegment dst) throws IOException {
        if (dst.byteSize() != size) throw new IllegalArgumentException("image is " + size + " bytes, buffer " + dst.byteSize());
        ByteBuffer b = dst.asByteBuffer();
        long at = 0;
        while (b.hasRemaining()) {
            int n = data.read(b, at);
            if (n < 0) throw new IOException(image + " shrank while being read");
            at += n;
        }
    }

    private void recover() throws IOException {
        long jsize = journal.size();
        if (jsize == 0) return;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(jsize, Integer.MAX_VALUE - 8)).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining() && journal.read(buf, buf.position()) > 0) { }
        buf.flip();
        String problem = validate(buf, size);
        if (problem != null) {
            LOG.warn("{}: discarding an incomplete update from an interrupted run ({}); the old block is intact", journalPath, problem);
        } else {
            long offset = buf.getLong(8);
            int length = buf.getInt(16);
            ByteBuffer content = buf.duplicate().position(HEADER_BYTES).limit(HEADER_BYTES + length);
            writeFully(data, content, offset);
            data.force(false);
            LOG.info("{}: completed an update of {} bytes at 0x{} that an interrupted run had committed", image, length, Long.toHexString(offset));
        }
        journal.truncate(0);
        journal.force(true);
    }

    /** Null when {@code r} holds one complete, checksummed record that fits an image of {@code imageSize}. */
    static String validate(ByteBuffer r, long imageSize) {
        if (r.remaining() < HEADER_BYTES + TRAILER_BYTES) return "record is " + r.remaining() + " bytes, shorter than a header";
        if (r.getInt(0) != MAGIC) return "bad magic";
        if (r.getShort(4) != VERSION) return "unknown version " + r.getShort(4);
        long offset = r.getLong(8);
        long length = Integer.toUnsignedLong(r.getInt(16));
        if (r.getLong(24) != imageSize) return "record is for an image of " + r.getLong(24) + " bytes, not " + imageSize;
        if (HEADER_BYTES + length + TRAILER_BYTES != r.remaining()) return "record length " + length + " does not match the journal size";
        if (offset < 0 || length == 0 || offset > imageSize || length > imageSize - offset) return "record range is outside the image";
        CRC32C crc = new CRC32C();
        crc.update(r.duplicate().position(0).limit(HEADER_BYTES + (int) length));
        if ((int) crc.getValue() != r.getInt(HEADER_BYTES + (int) length)) return "checksum mismatch";
        return null;
    }

    @Override
    public synchronized void persist(long offset, MemorySegment block) throws IOException {
        long length = block.byteSize();
        if (offset < 0 || length <= 0 || offset > size || length > size - offset) {
            throw new IllegalArgumentException("block 0x" + Long.toHexString(offset) + "+" + length + " is outside " + image);
        }
        int total = HEADER_BYTES + (int) length + TRAILER_BYTES;
        if (record.capacity() < total) record = ByteBuffer.allocateDirect(total).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer r = record.clear().limit(total);
        r.putInt(0, MAGIC).putShort(4, VERSION).putShort(6, (short) 0).putLong(8, offset)
                .putInt(16, (int) length).putInt(20, 0).putLong(24, size);
        MemorySegment.copy(block, 0, MemorySegment.ofBuffer(r), HEADER_BYTES, length);
        CRC32C crc = new CRC32C();
        crc.update(r.duplicate().position(0).limit(HEADER_BYTES + (int) length));
        r.putInt(HEADER_BYTES + (int) length, (int) crc.getValue());

        // 1. Commit: the whole new block reaches stable storage in the journal.
        journal.truncate(0);
        writeFully(journal, r.position(0), 0);
        journal.force(false);
        // 2. Apply in place; a crash from here on is completed by recover().
        writeFully(data, block.asByteBuffer(), offset);
        data.force(false);
        // 3. Retire the record; if this is lost, replaying it rewrites the same bytes.
        journal.truncate(0);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) at += ch.write(b, at);
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            journal.close();
            if (Files.size(journalPath) == 0) Files.deleteIfExists(journalPath);
        } finally {
            data.close();
        }
    }
}
