package dev.panavisor.devices.console;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TeeConsoleSinkTest {
    @Test
    void bothSinksSeeEveryByteAndEveryFlush() {
        RecordingConsoleSink a = new RecordingConsoleSink();
        RecordingConsoleSink b = new RecordingConsoleSink();
        TeeConsoleSink tee = new TeeConsoleSink(a, b);
        for (byte x : "hi\n".getBytes()) tee.write(x);
        tee.flush();
        assertEquals("hi\n", a.text());
        assertEquals("hi\n", b.text());
        assertEquals(1, a.flushes());
        assertEquals(1, b.flushes());
    }
}
