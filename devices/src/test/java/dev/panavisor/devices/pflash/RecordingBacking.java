package dev.panavisor.devices.pflash;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Remembers each block the device persisted, in order. */
final class RecordingBacking implements FlashBacking {
    record Write(long offset, byte[] content) { }

    final List<Write> writes = new ArrayList<>();

    @Override
    public void persist(long offset, MemorySegment block) {
        writes.add(new Write(offset, block.toArray(ValueLayout.JAVA_BYTE)));
    }

    @Override
    public void close() { }
}
