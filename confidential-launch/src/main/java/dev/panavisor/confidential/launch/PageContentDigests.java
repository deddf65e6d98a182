package dev.panavisor.confidential.launch;

import dev.panavisor.confidential.internal.Digests;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * SHA-384 digests of 4 KiB pages of one immutable image (a firmware file the VMM holds a private
 * copy of), computed ahead of a launch so that the launch itself only chains PAGE_INFO records.
 * The launch digest is still built step by step in launch order; only the per-page contents hash,
 * which depends on nothing but the page's bytes, may come from here. A page that is not a slice
 * of the snapshot, or was not digested, is hashed by the caller as usual.
 *
 * <p>Filled by one thread (which {@link #addAll} may help with pool workers), then published
 * (e.g. through a {@code Future}); read-only afterwards.
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

    /**
     * Digests {@code pages} (4 KiB slices of the snapshot, as {@link #add}), hashing chunks of
     * them on the common fork-join pool's workers and the calling thread together: each page's
     * hash depends only on its bytes, so a guest that resets straight after staging an image
     * waits for a fraction of the hashing instead of all of it.
     */
    public void addAll(List<MemorySegment> pages) {
        long[] offsets = new long[pages.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = offsetOf(pages.get(i));
            if (offsets[i] < 0) throw new IllegalArgumentException("not a 4 KiB page of the snapshot: " + pages.get(i) + " vs " + snapshot);
        }
        byte[][] hashes = new byte[offsets.length][];
        // A few chunks per thread, so a busy worker's share is taken over; one MessageDigest per chunk.
        int chunks = Math.min(offsets.length, 4 * (ForkJoinPool.getCommonPoolParallelism() + 1));
        IntStream.range(0, chunks).parallel().forEach(c -> {
            MessageDigest md = Digests.sha384();
            for (int i = c; i < offsets.length; i += chunks) hashes[i] = Digests.of(md, pages.get(i));
        });
        // The stream's completion publishes the array's contents to this thread.
        for (int i = 0; i < offsets.length; i++) byOffset.putIfAbsent(offsets[i], hashes[i]);
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
