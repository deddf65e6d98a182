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

    private static void awaitText(ByteArrayOutputStream out, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!text(out).equals(expected) && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals(expected, text(out));
    }

    @Test
    void aPromptWithoutNewlineReachesTheTerminal() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamConsoleSink sink = new StreamConsoleSink(out);
        try (ConsoleFlusher f = ConsoleFlusher.start(sink, 5, "test-flusher")) {
            type(sink, "~ # ");
            awaitText(out, "~ # ");
        }
    }

    @Test
    void everyPartialLineIsFlushedNotOnlyTheFirst() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamConsoleSink sink = new StreamConsoleSink(out);
        try (ConsoleFlusher f = ConsoleFlusher.start(sink, 1, "test-flusher-many")) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                String prompt = "line " + i + "\nprompt" + i + "> ";
                type(sink, prompt);
                expected.append(prompt);
                awaitText(out, expected.toString());
            }
        }
    }

    @Test
    void aLineThatCompletesWithinTheDelayGoesOutInOneWrite() throws InterruptedException {
        int[] writes = {0};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override public synchronized void write(byte[] b, int off, int len) { writes[0]++; super.write(b, off, len); }
        };
        StreamConsoleSink sink = new StreamConsoleSink(out);
        try (ConsoleFlusher f = ConsoleFlusher.start(sink, 300, "test-flusher-whole")) {
            type(sink, "whole line\n");
            Thread.sleep(600); // past the flusher's delay: its flush found nothing left
            synchronized (out) { assertEquals(1, writes[0]); }
            assertEquals("whole line\n", text(out));
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
    void rejectsANonPositiveDelay() {
        assertThrows(IllegalArgumentException.class, () -> ConsoleFlusher.start(new StreamConsoleSink(new ByteArrayOutputStream()), 0, "x"));
    }
}
