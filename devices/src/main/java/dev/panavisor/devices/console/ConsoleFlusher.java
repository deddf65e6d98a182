package dev.panavisor.devices.console;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Pushes a line-buffered sink's partial line out within a few milliseconds. A sink writes whole
 * lines (one host write per line, nothing per byte on the vCPU path), but a guest's prompt
 * ({@code login: }, a shell's {@code # }) ends without a newline and would otherwise stay in
 * the buffer until the user typed blind. A daemon thread flushes the sink every
 * {@code interval}; flushing an empty sink costs one uncontended lock.
 */
public final class ConsoleFlusher implements AutoCloseable {
    /** Below what a person notices, well above the cost of one flush. */
    public static final long DEFAULT_INTERVAL_MS = 10;

    private final ConsoleSink sink;
    private final long intervalNanos;
    private final Thread thread;
    private volatile boolean closed;

    private ConsoleFlusher(ConsoleSink sink, long intervalMillis, String name) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (intervalMillis < 1) throw new IllegalArgumentException("interval must be at least 1 ms: " + intervalMillis);
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
    }

    /** Starts flushing {@code sink} every {@code intervalMillis} on a daemon thread named {@code name}. */
    public static ConsoleFlusher start(ConsoleSink sink, long intervalMillis, String name) {
        ConsoleFlusher f = new ConsoleFlusher(sink, intervalMillis, name);
        f.thread.start();
        return f;
    }

    private void loop() {
        while (!closed) {
            LockSupport.parkNanos(intervalNanos);
            sink.flush();
        }
    }

    /** Stops the thread and flushes once more, so nothing written before this call is left behind. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.flush();
    }
}
