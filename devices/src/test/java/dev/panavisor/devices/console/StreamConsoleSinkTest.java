package dev.panavisor.devices.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamConsoleSinkTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private static void send(ConsoleSink sink, String s) {
        for (byte b : s.getBytes(StandardCharsets.US_ASCII)) sink.write(b);
    }

    private String written() { return out.toString(StandardCharsets.US_ASCII); }

    @Test
    void holdsAPartialLineUntilNewline() {
        var sink = new StreamConsoleSink(out);
        send(sink, "hello");
        assertEquals("", written());
        send(sink, " world\nnext");
        assertEquals("hello world\n", written());
    }

    @Test
    void flushPushesAPartialLine() {
        var sink = new StreamConsoleSink(out);
        send(sink, "prompt> ");
        sink.flush();
        assertEquals("prompt> ", written());
        sink.flush();
        assertEquals("prompt> ", written(), "a second flush must not repeat bytes");
    }

    @Test
    void aFullBufferIsWrittenWithoutWaitingForNewline() {
        var sink = new StreamConsoleSink(out, 4);
        send(sink, "abcdef");
        assertEquals("abcd", written());
    }

    @Test
    void aFailingStreamDropsOutputInsteadOfThrowing() {
        var failing = new OutputStream() {
            int attempts;
            @Override public void write(int b) throws IOException { attempts++; throw new IOException("gone"); }
            @Override public void write(byte[] b, int off, int len) throws IOException { attempts++; throw new IOException("gone"); }
        };
        var sink = new StreamConsoleSink(failing);
        send(sink, "one\ntwo\n");
        sink.flush();
        assertEquals(1, failing.attempts, "after the first failure the stream is left alone");
    }
}
