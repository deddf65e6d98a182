package dev.panavisor.devices.fwcfg;

import java.lang.foreign.MemorySegment;

/** Content fixed when the machine is built. */
final class FixedItem extends FwCfgItem {
    private final MemorySegment content;

    FixedItem(MemorySegment content) {
        checkSize(content.byteSize());
        this.content = content;
    }

    @Override public long size() { return content.byteSize(); }

    @Override void copyTo(long offset, MemorySegment dst) {
        MemorySegment.copy(content, offset, dst, 0, dst.byteSize());
    }

    @Override byte byteAt(long offset) { return byteOf(content, offset); }
}
