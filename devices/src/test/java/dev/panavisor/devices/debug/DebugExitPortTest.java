package dev.panavisor.devices.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** QEMU isa-debug-exit semantics: a write of v requests exit status (v << 1) | 1. */
class DebugExitPortTest {
    private final List<Integer> requests = new ArrayList<>();
    private final DebugExitPort port = new DebugExitPort(requests::add);

    @Test
    void writingZeroRequestsStatusOne() {
        port.write(0, 1, 0);
        assertEquals(List.of(1), requests);
    }

    @Test
    void statusIsValueShiftedLeftWithTheLowBitSet() {
        port.write(0, 1, 0x10);
        port.write(0, 1, 0x7F);
        assertEquals(List.of(0x21, 0xFF), requests);
    }

    @Test
    void theValueIsTakenAtTheAccessWidth() {
        port.write(0, 1, 0x1FF);          // out %al: only 0xff reaches the port
        port.write(0, 2, 0x1_2345);       // out %ax
        port.write(0, 4, 0x1234_5678L);   // out %eax
        assertEquals(List.of(0x1FF, 0x468B, 0x2468_ACF1), requests);
    }

    @Test
    void everyOffsetInTheRangeCounts() {
        port.write(1, 1, 3);
        assertEquals(List.of(7), requests);
    }

    @Test
    void readsReturnZeroAndRequestNothing() {
        assertEquals(0, port.read(0, 1));
        assertEquals(List.of(), requests);
    }
}
