package dev.panavisor.devices.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test double: keeps every byte a device sends, and counts flushes. */
public final class RecordingConsoleSink implements ConsoleSink {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private int flushes;

    @Override
    public synchronized void write(byte b) { bytes.write(b); }

    @Override
    public synchronized void flush() { flushes++; }

    public synchronized byte[] bytes() { return bytes.toByteArray(); }

    public synchronized String text() { return bytes.toString(StandardCharsets.ISO_8859_1); }

    public synchronized int flushes() { return flushes; }
}
