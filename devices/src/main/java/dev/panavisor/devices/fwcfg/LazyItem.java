package dev.panavisor.devices.fwcfg;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content produced on first selection. The size is promised up front (the directory needs it);
 * a producer that fails or breaks the promise leaves the item reading as zeros, with one log line,
 * because the guest has already been told the size and a device access must not throw.
 */
final class LazyItem extends FwCfgItem {
    private static final Logger LOG = LoggerFactory.getLogger(LazyItem.class);

    private final long size;
    private final String what;
    private Supplier<byte[]> producer;
    private MemorySegment content;

    LazyItem(long size, Supplier<byte[]> producer, String what) {
        if (size < 0 || size > MAX_ARRAY_SIZE) throw new IllegalArgumentException("lazy fw-cfg item size " + size + " is not in [0, " + MAX_ARRAY_SIZE + "]");
        this.size = size;
        this.producer = producer;
        this.what = what;
    }

    @Override public long size() { return size; }

    @Override void selected() { content(); }

    // Callers hold the device lock, so production runs once.
    private MemorySegment content() {
        if (content == null) {
            byte[] bytes = null;
            try {
                bytes = producer.get();
            } catch (RuntimeException e) {
                LOG.error("fw-cfg: {} could not be produced ({}); the guest reads zeros", what, e.getMessage());
            }
            if (bytes != null && bytes.length != size) {
                LOG.error("fw-cfg: {} is now {} bytes, but the guest was told {}; the guest reads zeros", what, bytes.length, size);
                bytes = null;
            }
            content = bytes != null ? MemorySegment.ofArray(bytes) : MemorySegment.ofArray(new byte[(int) size]);
            producer = null;
        }
        return content;
    }

    @Override void copyTo(long offset, MemorySegment dst) {
        MemorySegment c = content();
        if (offset + dst.byteSize() <= c.byteSize()) {
            MemorySegment.copy(c, offset, dst, 0, dst.byteSize());
        } else {
            dst.fill((byte) 0);
        }
    }

    @Override byte byteAt(long offset) {
        MemorySegment c = content();
        return offset < c.byteSize() ? byteOf(c, offset) : 0;
    }
}
