package dev.panavisor.devices.console;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleFlusherTest {
    private static void type(ConsoleSink sink, String s) {
        for (byte b : s.getBytes(StandardCharsets.US_ASCII)) sink.write(b);
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) { return out.toString(StandardCharsets.US_ASCII); }
    }

    @Test
    void aPromptWithoutNewlineReachesTheTerminal() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamConsoleSink sink = new StreamConsoleSink(out);
        type(sink, "~ # ");
        assertEquals("", text(out), "the sink holds a partial line by itself");
        try (ConsoleFlusher f = ConsoleFlusher.start(sink, 5, "test-flusher")) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (text(out).isEmpty() && System.nanoTime() < deadline) Thread.sleep(2);
            assertEquals("~ # ", text(out));
        }
    }

    @Test
    void closingFlushesWhatIsLeftAndStopsTheThread() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamConsoleSink sink = new StreamConsoleSink(out);
        ConsoleFlusher f = ConsoleFlusher.start(sink, 60_000, "test-flusher-slow");
        type(sink, "bye");
        f.close();
        assertEquals("bye", text(out));
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("test-flusher-slow")),
                "flusher thread still running after close");
    }

    @Test
    void rejectsANonPositiveInterval() {
        assertThrows(IllegalArgumentException.class, () -> ConsoleFlusher.start(ConsoleSink.NONE, 0, "x"));
    }
}
