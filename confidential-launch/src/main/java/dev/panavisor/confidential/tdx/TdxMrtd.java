package dev.panavisor.confidential.tdx;

import dev.panavisor.confidential.internal.Digests;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * MRTD as the TDX module builds it while the VMM populates a TD before TDH.MR.FINALIZE.
 *
 * <p>Records (TDX module spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND): 128 bytes, the operation's
 * ASCII name at offset 0 ("MEM.PAGE.ADD" or "MR.EXTEND", zero-padded), the GPA as little-endian
 * u64 at offset 16, zeros after. An extend record is followed by the 256 bytes of the chunk.
 * All of it goes into one SHA-384 whose final value is MRTD. Not thread-safe.
 */
public final class TdxMrtd {
    public static final int PAGE_SIZE = 4096;
    /** TDH.MR.EXTEND measures 256 bytes per call. */
    public static final int EXTEND_CHUNK = 256;
    public static final int RECORD_SIZE = 128;
    public static final int DIGEST_SIZE = 48;
    static final int RECORD_GPA = 16;

    private static final byte[] PAGE_ADD_NAME = "MEM.PAGE.ADD".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXTEND_NAME = "MR.EXTEND".getBytes(StandardCharsets.US_ASCII);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final MemorySegment ZERO_PAGE = MemorySegment.ofArray(new byte[PAGE_SIZE]).asReadOnly();

    private final MessageDigest running = Digests.sha384();
    private final byte[] record = new byte[RECORD_SIZE];
    private long pagesAdded;
    private long chunksExtended;

    /** TDH.MEM.PAGE.ADD of the page at {@code gpa}: measures its address, not its contents. */
    public TdxMrtd addPage(long gpa) {
        requireAligned(gpa, PAGE_SIZE, "TDH.MEM.PAGE.ADD GPA");
        running.update(record(PAGE_ADD_NAME, gpa));
        pagesAdded++;
        return this;
    }

    /** TDH.MR.EXTEND of the 256-byte {@code chunk} at {@code gpa}. */
    public TdxMrtd extend(long gpa, MemorySegment chunk) {
        requireAligned(gpa, EXTEND_CHUNK, "TDH.MR.EXTEND GPA");
        if (chunk.byteSize() != EXTEND_CHUNK) {
            throw new IllegalArgumentException("TDH.MR.EXTEND measures " + EXTEND_CHUNK + " bytes, got " + chunk.byteSize());
        }
        running.update(record(EXTEND_NAME, gpa));
        Digests.update(running, chunk);
        chunksExtended++;
        return this;
    }

    /** The 16 TDH.MR.EXTENDs that cover the 4 KiB {@code page} at {@code gpa}. */
    public TdxMrtd extendPage(long gpa, MemorySegment page) {
        if (page.byteSize() != PAGE_SIZE) throw new IllegalArgumentException("a page is 4096 bytes, got " + page.byteSize());
        for (int off = 0; off < PAGE_SIZE; off += EXTEND_CHUNK) {
            extend(gpa + off, page.asSlice(off, EXTEND_CHUNK));
        }
        return this;
    }

    /**
     * Adds the {@code length}-byte region at {@code gpa} and, if {@code measure}, extends it, as
     * one KVM_TDX_INIT_MEM_REGION does. {@code contents} covers the start of the region (null or
     * shorter means the rest is zero, as in a section whose memory is larger than its raw data).
     */
    public TdxMrtd addRegion(long gpa, long length, MemorySegment contents, boolean measure, TdxPageOrder order) {
        requireAligned(length, PAGE_SIZE, "region length");
        long pages = length / PAGE_SIZE;
        if (order == TdxPageOrder.PAGE_BY_PAGE) {
            for (long i = 0; i < pages; i++) {
                addPage(gpa + i * PAGE_SIZE);
                if (measure) extendPage(gpa + i * PAGE_SIZE, page(contents, i));
            }
        } else {
            for (long i = 0; i < pages; i++) addPage(gpa + i * PAGE_SIZE);
            if (measure) extendRegion(gpa, length, contents);
        }
        return this;
    }

    /**
     * Extends every page of the {@code length}-byte region at {@code gpa} with {@code contents}
     * (null or shorter means zeros for the rest), without adding the pages.
     */
    public TdxMrtd extendRegion(long gpa, long length, MemorySegment contents) {
        requireAligned(length, PAGE_SIZE, "region length");
        for (long i = 0; i < length / PAGE_SIZE; i++) extendPage(gpa + i * PAGE_SIZE, page(contents, i));
        return this;
    }

    /** MRTD as TDH.MR.FINALIZE would seal it now; the measurement can still continue. */
    public byte[] digest() {
        return Digests.peek(running);
    }

    public long pagesAdded() {
        return pagesAdded;
    }

    public long chunksExtended() {
        return chunksExtended;
    }

    /** Page {@code index} of {@code contents}, zero-filled where the contents end. */
    private static MemorySegment page(MemorySegment contents, long index) {
        long start = index * PAGE_SIZE;
        long available = contents == null ? 0 : Math.max(0, contents.byteSize() - start);
        if (available >= PAGE_SIZE) return contents.asSlice(start, PAGE_SIZE);
        if (available == 0) return ZERO_PAGE;
        MemorySegment partial = MemorySegment.ofArray(new byte[PAGE_SIZE]);
        MemorySegment.copy(contents, start, partial, 0, available);
        return partial;
    }

    private byte[] record(byte[] name, long gpa) {
        Arrays.fill(record, (byte) 0);
        System.arraycopy(name, 0, record, 0, name.length);
        MemorySegment.ofArray(record).set(U64, RECORD_GPA, gpa);
        return record;
    }

    private static void requireAligned(long value, int alignment, String what) {
        if (value % alignment != 0) {
            throw new IllegalArgumentException(what + " 0x" + Long.toHexString(value) + " is not " + alignment + "-byte aligned");
        }
    }
}
