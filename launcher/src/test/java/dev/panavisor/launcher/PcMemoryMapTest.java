package dev.panavisor.launcher;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The pc machine's address map, as QEMU's i440FX machine and pc_sysfw.c lay it out. */
class PcMemoryMapTest {
    @Test
    void smallRamIsAllBelowTheHole() {
        PcMemoryMap m = PcMemoryMap.of(512L << 20, List.of(128L * 1024));
        assertEquals(512L << 20, m.lowRamBytes());
        assertEquals(0, m.highRamBytes());
        assertEquals(0xFFFE0000L, m.flashBases().getFirst());
        assertEquals(0xE0000L, m.isaBiosBase(), "the last 128 KiB of unit 0 also at 0xE0000");
    }

    @Test
    void ramReachingThreeAndAHalfGibSplitsAtThreeGib() {
        PcMemoryMap m = PcMemoryMap.of(0xE000_0000L, List.of(4096L));
        assertEquals(0xC000_0000L, m.lowRamBytes());
        assertEquals(0x2000_0000L, m.highRamBytes());
        PcMemoryMap justBelow = PcMemoryMap.of(0xDFFF_F000L, List.of(4096L));
        assertEquals(0, justBelow.highRamBytes());
    }

    @Test
    void flashUnitsStackDownFromFourGibWithUnitZeroOnTop() {
        PcMemoryMap m = PcMemoryMap.of(256L << 20, List.of(3653632L, 540672L)); // OVMF_CODE_4M + OVMF_VARS_4M
        assertEquals(PcMemoryMap.FOUR_GIB - 3653632L, m.flashBases().get(0));
        assertEquals(PcMemoryMap.FOUR_GIB - 4L * 1024 * 1024, m.flashBases().get(1), "together exactly 4 MiB");
        assertEquals(128 * 1024, m.isaBiosBytes());
    }

    @Test
    void smallFirmwareIsShownWhole() {
        PcMemoryMap m = PcMemoryMap.of(64L << 20, List.of(65536L));
        assertEquals(65536, m.isaBiosBytes());
        assertEquals(0xF0000L, m.isaBiosBase());
    }

    @Test
    void badSizesAreRejectedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> PcMemoryMap.of(8L << 20, List.of(4096L)));
        assertThrows(IllegalArgumentException.class, () -> PcMemoryMap.of(64L << 20, List.of(4095L)));
        assertThrows(IllegalArgumentException.class, () -> PcMemoryMap.of(64L << 20, List.of(12L << 20, 8L << 20)));
        assertThrows(IllegalArgumentException.class, () -> PcMemoryMap.of(64L << 20, List.of()));
    }

    @Test
    void memorySizesParseWithUnits() {
        assertEquals(512L << 20, FirmwareRunCommand.parseSize("512M"));
        assertEquals(2L << 30, FirmwareRunCommand.parseSize("2g"));
        assertThrows(IllegalArgumentException.class, () -> FirmwareRunCommand.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> FirmwareRunCommand.parseSize("-1M"));
    }
}
