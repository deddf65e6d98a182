package dev.panavisor.devices.pflash;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Where a flash unit's changes go. The device calls {@link #persist} with one whole erase
 * block at a time, after the guest has finished a command sequence on it, and expects the
 * block to be either entirely old or entirely new in the backing store whatever happens to
 * the host process during the call.
 */
public interface FlashBacking extends AutoCloseable {
    /** Stores {@code block} (one erase block) at byte {@code offset} of the image. */
    void persist(long offset, MemorySegment block) throws IOException;

    @Override
    void close() throws IOException;

    /** Changes live only in guest memory: a read-only unit, or a scratch copy. */
    FlashBacking VOLATILE = new FlashBacking() {
        @Override public void persist(long offset, MemorySegment block) { }
        @Override public void close() { }
    };
}
