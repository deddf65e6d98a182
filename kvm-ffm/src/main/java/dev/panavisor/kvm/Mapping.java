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

    public MemorySegment segment() { return segment; }

    public long address() { return segment.address(); }

    public long length() { return segment.byteSize(); }

    /** Unmaps; idempotent. Must not race with threads still using the segment (the arena enforces it). */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
