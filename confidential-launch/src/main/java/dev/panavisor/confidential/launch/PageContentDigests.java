package dev.panavisor.confidential.launch;

import dev.panavisor.confidential.internal.Digests;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

/**
 * SHA-384 digests of 4 KiB pages of one immutable image (a firmware file the VMM holds a private
 * copy of), computed ahead of a launch so that the launch itself only chains PAGE_INFO records.
 * The launch digest is still built step by step in launch order; only the per-page contents hash,
 * which depends on nothing but the page's bytes, may come from here. A page that is not a slice
 * of the snapshot, or was not digested, is hashed by the caller as usual.
 *
 * <p>Filled by one thread, then published (e.g. through a {@code Future}); read-only afterwards.
 */
public final class PageContentDigests {
    private static final long PAGE = LaunchContext.PAGE_SIZE;

    private final MemorySegment snapshot;
    private final Map<Long, byte[]> byOffset = new HashMap<>();
    private final MessageDigest sha384 = Digests.sha384();

    /** {@code snapshot} must never change while this object is used. */
    public PageContentDigests(MemorySegment snapshot) {
        this.snapshot = snapshot;
    }

    /** Digests the page {@code page}, which must be a 4 KiB slice of the snapshot. */
    public void add(MemorySegment page) {
        long offset = offsetOf(page);
        if (offset < 0) throw new IllegalArgumentException("not a 4 KiB page of the snapshot: " + page + " vs " + snapshot);
        byOffset.computeIfAbsent(offset, o -> Digests.of(sha384, page));
    }

    /** Digests every whole 4 KiB page of the snapshot at offsets that are multiples of 4 KiB. */
    public void addAlignedPages() {
        for (long off = 0; off + PAGE <= snapshot.byteSize(); off += PAGE) add(snapshot.asSlice(off, PAGE));
    }

    /** The SHA-384 of {@code page}'s bytes if it is a digested page of the snapshot, else null. */
    public byte[] find(MemorySegment page) {
        long offset = offsetOf(page);
        return offset < 0 ? null : byOffset.get(offset);
    }

    public int size() { return byOffset.size(); }

    private long offsetOf(MemorySegment page) {
        if (page.byteSize() != PAGE) return -1;
        // Only the overlap's start is used: JDK 25's asOverlappingSlice reports a wrong size for
        // heap segments (the end offset rather than the length). Overlapping segments share one
        // address space (the array's offsets, or native addresses), so addresses compare.
        var overlap = snapshot.asOverlappingSlice(page);
        if (overlap.isEmpty() || overlap.get().address() != page.address()) return -1;
        long offset = page.address() - snapshot.address();
        return offset >= 0 && offset + PAGE <= snapshot.byteSize() ? offset : -1;
    }
}
