package dev.panavisor.devices.console;

import java.util.Objects;

/** Sends each byte to two sinks, e.g. the terminal and a {@code --serial-log} file. */
public final class TeeConsoleSink implements ConsoleSink {
    private final ConsoleSink first;
    private final ConsoleSink second;

    public TeeConsoleSink(ConsoleSink first, ConsoleSink second) {
        this.first = Objects.requireNonNull(first);
        this.second = Objects.requireNonNull(second);
    }

    @Override
    public void write(byte b) {
        first.write(b);
        second.write(b);
    }

    @Override
    public void flush() {
        first.flush();
        second.flush();
    }
}
