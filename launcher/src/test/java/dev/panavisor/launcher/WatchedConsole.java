package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleSink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A console that keeps everything the guest printed and fires a callback the first time a line
 * contains a marker: once the line is complete, or, for a {@link #onPrompt prompt}, as soon as
 * the marker's last byte arrives.
 */
final class WatchedConsole implements ConsoleSink {
    private record Watch(String marker, Consumer<String> action, boolean prompt) { }

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private final List<Watch> watches = new ArrayList<>();
    private final List<Long> seenAtNanos = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();

    synchronized WatchedConsole on(String marker, Consumer<String> action) {
        watches.add(new Watch(marker, action, false));
        return this;
    }

    /**
     * As {@link #on}, without waiting for the line to end: prompts and countdowns (a UEFI
     * shell's "Press ESC in 5 seconds", "Shell> ") may wait a long time for a newline.
     */
    synchronized WatchedConsole onPrompt(String marker, Consumer<String> action) {
        watches.add(new Watch(marker, action, true));
        return this;
    }

    @Override
    public void write(byte b) {
        List<Runnable> fire = new ArrayList<>();
        synchronized (this) {
            char c = (char) (b & 0xFF);
            text.append(c);
            boolean ended = c == '\n';
            if (!ended) line.append(c);
            for (var it = watches.iterator(); it.hasNext(); ) {
                Watch w = it.next();
                boolean hit = w.prompt()
                        ? !ended && line.length() >= w.marker().length()
                                && line.indexOf(w.marker(), line.length() - w.marker().length()) >= 0
                        : ended && line.indexOf(w.marker()) >= 0;
                if (hit) {
                    it.remove();
                    seen.add(w.marker());
                    seenAtNanos.add(System.nanoTime());
                    String l = line.toString();
                    fire.add(() -> w.action().accept(l));
                }
            }
            if (ended) line.setLength(0);
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
