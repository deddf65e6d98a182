package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An mmap'd range whose lifetime is a shared arena: closing it unmaps the pages and
 * invalidates every segment handed out, so a late access throws instead of faulting
 * the whole JVM on an unmapped address.
 */
public final class Mapping implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment segment;

    private Mapping(long address, long length) {
        this.arena = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(address).reinterpret(length, arena, s -> Posix.munmap(address, length));
    }

    /** Private anonymous memory, e.g. guest RAM; untouched pages cost nothing until first use. */
    public static Mapping anonymous(long length) {
        long addr = Posix.mmap(length, Libc.PROT_READ() | Libc.PROT_WRITE(),
                Libc.MAP_PRIVATE() | Libc.MAP_ANONYMOUS() | Libc.MAP_NORESERVE(), -1, 0, "anonymous");
        return new Mapping(addr, length);
    }

    /** A shared read/write mapping of {@code fd} (a vCPU's kvm_run page, a guest_memfd). */
    public static Mapping shared(int fd, long offset, long length, String what) {
        long addr = Posix.mmap(length, Libc.PROT_READ() | Libc.PROT_WRITE(), Libc.MAP_SHARED(), fd, offset, what);
        return new Mapping(addr, length);
    }

    /** Page size that {@link #mapFilePrivately} works in. */
    public static final long PAGE_SIZE = 4096;

    /**
     * Replaces [offset, offset+length) of this mapping with a private, copy-on-write mapping of
     * {@code fd}'s bytes from {@code fileOffset}: reads are served from the page cache and only
     * pages that are written get a copy of their own. All three must be page-aligned. The file
     * must keep its contents and size while mapped (pages not yet written follow the file); the
     * fd can be closed right after. Nothing else may use that range during the call. On failure
     * the range is zeroed anonymous memory again.
     */
    public void mapFilePrivately(long offset, long length, int fd, long fileOffset, String what) {
        if (((offset | length | fileOffset) & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format("%s: offset 0x%x, length 0x%x and file offset 0x%x must be page-aligned",
                    what, offset, length, fileOffset));
        }
        if (offset < 0 || length <= 0 || fileOffset < 0 || offset > length() || length > length() - offset) {
            throw new IllegalArgumentException(String.format("%s: [0x%x, +0x%x) lies outside the 0x%x-byte mapping", what, offset, length, length()));
        }
        if (!arena.scope().isAlive()) throw new IllegalStateException(what + ": the mapping is closed");
        int prot = Libc.PROT_READ() | Libc.PROT_WRITE();
        try {
            Posix.mmapFixed(address() + offset, length, prot, Libc.MAP_PRIVATE() | Libc.MAP_NORESERVE(), fd, fileOffset, what);
        } catch (KvmException e) {
            // A MAP_FIXED mmap that fails late (ENOMEM, the file system's mmap) may already have
            // unmapped the range; put zeroed anonymous pages back so the segment never has a hole.
            Posix.mmapFixed(address() + offset, length, prot, Libc.MAP_PRIVATE() | Libc.MAP_ANONYMOUS() | Libc.MAP_NORESERVE(), -1, 0,
                    what + " (anonymous memory back after a failed file mapping)");
            throw e;
        }
    }

    public MemorySegment segment() { return segment; }

    public long address() { return segment.address(); }

    public long length() { return segment.byteSize(); }

    /** Unmaps; idempotent. Must not race with threads still using the segment (the arena enforces it). */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
