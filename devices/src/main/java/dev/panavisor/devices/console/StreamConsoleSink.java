package dev.panavisor.devices.console;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConsoleSink} over an {@link OutputStream} (typically the launcher's stdout),
 * buffering whole lines in a fixed array so the per-byte path never allocates and the
 * stream sees one write per line rather than one per byte.
 *
 * <p>A failing stream must not take the guest down with it: the first failure is logged
 * and later output is dropped, as if the cable had been pulled.
 */
public final class StreamConsoleSink implements ConsoleSink {
    private static final Logger log = LoggerFactory.getLogger(StreamConsoleSink.class);

    private final OutputStream out;
    private final byte[] line;
    private int length;
    private boolean broken;
    /** Told when a line starts and stays in the buffer: a {@link ConsoleFlusher}'s wake-up. */
    private volatile Runnable lineStarted = () -> { };

    /** Buffers up to {@code lineCapacity} bytes before writing even without a newline. */
    public StreamConsoleSink(OutputStream out, int lineCapacity) {
        this.out = Objects.requireNonNull(out, "out");
        if (lineCapacity < 1) throw new IllegalArgumentException("lineCapacity must be positive: " + lineCapacity);
        this.line = new byte[lineCapacity];
    }

    public StreamConsoleSink(OutputStream out) { this(out, 256); }

    @Override
    public synchronized void write(byte b) {
        line[length++] = b;
        if (b == '\n' || length == line.length) {
            drain();
        } else if (length == 1) {
            lineStarted.run();
        }
    }

    /**
     * Runs {@code listener} on the writing thread each time a byte lands in the empty buffer and
     * stays there (the start of a line that is not yet complete). It must be quick and never
     * call back into this sink.
     */
    void onLineStarted(Runnable listener) {
        lineStarted = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public synchronized void flush() { drain(); }

    private void drain() {
        if (length == 0) return;
        if (!broken) {
            try {
                out.write(line, 0, length);
                out.flush();
            } catch (IOException e) {
                broken = true;
                log.warn("console output stream failed; dropping further guest output", e);
            }
        }
        length = 0;
    }
}
