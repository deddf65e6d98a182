package dev.panavisor.devices.fwcfg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A named file whose content can change while the VM runs: the host may replace it at any time
 * ({@link #update}), and, when it has a {@link GuestWriteHandler}, the guest may write it by DMA
 * subject to the handler's verdict. The size never changes; the guest learned it from the directory.
 *
 * <p>Content lives in a private buffer guarded by this object's monitor. The device reads and
 * writes it while holding its own lock and then this one (always in that order); the host's
 * {@link #update} and {@link #read} take only this one, so host threads never wait on a vCPU
 * for longer than one guest access to this file.
 */
public final class MutableFwCfgFile extends FwCfgItem {
    private final String name;
    private final MemorySegment content;
    private final MemorySegment staging;
    private final GuestWriteHandler handler;

    MutableFwCfgFile(String name, byte[] initial, GuestWriteHandler handler) {
        checkSize(initial.length);
        this.name = name;
        this.handler = handler;
        // Files here are small control structures; heap arrays keep them out of native memory accounting.
        this.content = MemorySegment.ofArray(initial.clone());
        this.staging = MemorySegment.ofArray(new byte[initial.length]);
    }

    public String name() { return name; }

    @Override public long size() { return content.byteSize(); }

    /** True when the guest may write the file by DMA. */
    public boolean guestWritable() { return handler != null; }

    /** A snapshot of the content. */
    public synchronized byte[] read() {
        return content.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Changes the content from the host side, atomically with respect to guest reads and writes. */
    public synchronized void update(Consumer<MemorySegment> change) {
        Objects.requireNonNull(change).accept(content);
    }

    /** Replaces the content; {@code bytes} must have the file's size. */
    public synchronized void set(byte[] bytes) {
        if (bytes.length != content.byteSize()) {
            throw new IllegalArgumentException("fw-cfg file " + name + " is " + content.byteSize() + " bytes, not " + bytes.length);
        }
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, content, 0, bytes.length);
    }

    @Override synchronized void copyTo(long offset, MemorySegment dst) {
        MemorySegment.copy(content, offset, dst, 0, dst.byteSize());
    }

    @Override synchronized byte byteAt(long offset) { return byteOf(content, offset); }

    @Override GuestWriteHandler writeHandler() { return handler; }

    /**
     * Applies a guest write of {@code source} at {@code offset} (inside the file); returns the
     * outcome. A throwing handler is reported to the caller as {@code REJECT} via the exception.
     */
    synchronized GuestWriteHandler.WriteOutcome guestWrite(long offset, MemorySegment source) {
        MemorySegment.copy(content, 0, staging, 0, content.byteSize());
        MemorySegment.copy(source, 0, staging, offset, source.byteSize());
        GuestWriteHandler.WriteOutcome outcome = handler.onGuestWrite(
                new GuestWrite(offset, source.byteSize(), content.asReadOnly(), staging));
        if (outcome == GuestWriteHandler.WriteOutcome.COMMIT) {
            MemorySegment.copy(staging, 0, content, 0, content.byteSize());
        }
        return outcome == null ? GuestWriteHandler.WriteOutcome.REJECT : outcome;
    }
}
