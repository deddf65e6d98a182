package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleSink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A console that keeps everything the guest printed and fires a callback the first time a line contains a marker. */
final class WatchedConsole implements ConsoleSink {
    private record Watch(String marker, Consumer<String> action) { }

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private final List<Watch> watches = new ArrayList<>();
    private final List<Long> seenAtNanos = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();

    synchronized WatchedConsole on(String marker, Consumer<String> action) {
        watches.add(new Watch(marker, action));
        return this;
    }

    @Override
    public void write(byte b) {
        List<Runnable> fire = new ArrayList<>();
        synchronized (this) {
            char c = (char) (b & 0xFF);
            text.append(c);
            if (c != '\n') { line.append(c); return; }
            String l = line.toString();
            line.setLength(0);
            for (var it = watches.iterator(); it.hasNext(); ) {
                Watch w = it.next();
                if (l.contains(w.marker())) {
                    it.remove();
                    seen.add(w.marker());
                    seenAtNanos.add(System.nanoTime());
                    fire.add(() -> w.action().accept(l));
                }
            }
        }
        fire.forEach(Runnable::run);
    }

    synchronized String text() { return text.toString(); }

    synchronized int count(String s) {
        int n = 0;
        for (int i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) n++;
        return n;
    }

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }
}
