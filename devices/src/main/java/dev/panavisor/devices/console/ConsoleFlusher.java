package dev.panavisor.devices.console;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Pushes a line-buffered sink's partial line out within a few milliseconds. The sink writes
 * whole lines (one host write per line, nothing per byte on the vCPU path), but a guest's prompt
 * ({@code login: }, a shell's {@code # }) ends without a newline and would otherwise stay in the
 * buffer until the user typed blind. The sink wakes this daemon thread when a line starts; the
 * thread waits {@code delay} for the rest of it, usually long enough for the line to complete and
 * go out whole, and then flushes whatever is still buffered. An idle console costs nothing: no
 * line, no wake-up.
 */
public final class ConsoleFlusher implements AutoCloseable {
    /** Below what a person notices (or a script watching for a banner), well above one flush. */
    public static final long DEFAULT_DELAY_MS = 2;

    private final StreamConsoleSink sink;
    private final long delayNanos;
    private final Thread thread;
    private volatile boolean closed;

    private ConsoleFlusher(StreamConsoleSink sink, long delayMillis, String name) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (delayMillis < 1) throw new IllegalArgumentException("delay must be at least 1 ms: " + delayMillis);
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
    }

    /**
     * Starts a daemon thread named {@code name} that flushes {@code sink}'s partial lines
     * {@code delayMillis} after they start. One flusher per sink.
     */
    public static ConsoleFlusher start(StreamConsoleSink sink, long delayMillis, String name) {
        ConsoleFlusher f = new ConsoleFlusher(sink, delayMillis, name);
        sink.onLineStarted(f::lineStarted);
        f.thread.start();
        return f;
    }

    private void lineStarted() {
        LockSupport.unpark(thread);
    }

    // Every empty-to-non-empty step of the sink unparks this thread, and every wake-up ends in a
    // flush, so no partial line can be missed: an unpark while the thread is busy leaves a permit
    // for the next park, and a spurious wake-up only costs a flush.
    private void loop() {
        while (!closed) {
            LockSupport.park(this);
            if (closed) break;
            LockSupport.parkNanos(this, delayNanos);
            sink.flush();
        }
    }

    /** Stops the thread and flushes once more, so nothing written before this call is left behind. */
    @Override
    public void close() {
        closed = true;
        sink.onLineStarted(() -> { });
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.flush();
    }
}
