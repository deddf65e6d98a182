package dev.panavisor.devices.platform;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reset sources: PIIX4 RCR 0xCF9 (82371AB 4.1.17), PS/2 port 0x92, 8042 command 0xFE; and POST port 0x80. */
class ResetPortsTest {
    final List<String> resets = new ArrayList<>();

    @Test
    void cf9ResetsOnRcpuAndKeepsOnlySrstOtherwise() {
        ResetControlRegister rcr = new ResetControlRegister(resets::add);
        rcr.write(0, 1, 0x02);
        assertEquals(0x02, rcr.read(0, 1));
        assertTrue(resets.isEmpty());
        rcr.write(0, 1, 0x06);
        assertEquals(List.of("hard reset through 0xCF9"), resets);
        rcr.write(0, 1, 0x04);
        assertEquals("soft reset through 0xCF9", resets.get(1));
        rcr.write(0, 1, 0xF9);
        assertEquals(0x00, rcr.read(0, 1), "bits other than SRST do not stick");
    }

    @Test
    void port92ResetsOnARisingBitZeroAndKeepsA20() {
        SystemControlPortA p = new SystemControlPortA(resets::add);
        p.write(0, 1, SystemControlPortA.A20);
        assertTrue(p.a20());
        assertEquals(0x02, p.read(0, 1));
        p.write(0, 1, SystemControlPortA.A20 | SystemControlPortA.FAST_RESET);
        assertEquals(1, resets.size());
        p.write(0, 1, SystemControlPortA.A20 | SystemControlPortA.FAST_RESET);
        assertEquals(1, resets.size(), "bit 0 already set: no new edge");
        p.reset();
        assertEquals(0x02, p.read(0, 1), "reset clears bit 0, keeps A20");
    }

    @Test
    void postCodesAreKeptAndReadAsAnEmptyPort() {
        PostCodePort p = new PostCodePort();
        assertEquals(-1, p.lastCode());
        p.write(0, 1, 0x1234);
        assertEquals(0x34, p.lastCode());
        assertEquals(0xFF, p.read(0, 1));
    }
}
