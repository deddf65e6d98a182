package dev.panavisor.devices.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.panavisor.devices.console.RecordingConsoleSink;
import org.junit.jupiter.api.Test;

/** QEMU debugcon semantics: writes go to the console byte by byte, reads return the readback value. */
class DebugConsolePortTest {
    private final RecordingConsoleSink sink = new RecordingConsoleSink();

    @Test
    void writtenBytesReachTheSink() {
        var port = new DebugConsolePort(sink);
        for (char c : "ok\n".toCharArray()) port.write(0, 1, c);
        assertEquals("ok\n", sink.text());
    }

    @Test
    void onlyTheLowByteOfAWideWriteIsSent() {
        var port = new DebugConsolePort(sink);
        port.write(0, 4, 0x4443_4241L);
        assertEquals("A", sink.text());
    }

    @Test
    void readsReturnE9ByDefault() {
        assertEquals(0xE9, new DebugConsolePort(sink).read(0, 1));
    }

    @Test
    void readbackIsConfigurableButMustBeAByte() {
        assertEquals(0x42, new DebugConsolePort(sink, 0x42).read(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DebugConsolePort(sink, 0x100));
    }
}
