package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.vmm.bus.BusDevice;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evidence rules behind each UEFI phase milestone. */
class FirmwareProgressTest {
    final FirmwareProgress progress = new FirmwareProgress();

    @Test
    void nothingReachedAtFirst() {
        assertNull(progress.furthest());
        assertTrue(progress.describe(0).contains("SEC  not reached"));
    }

    @Test
    void firstWriteToAnObservedDeviceIsThePhaseEvidenceReadsAreNot() {
        AtomicLong written = new AtomicLong();
        BusDevice d = progress.onFirstWrite(new BusDevice() {
            @Override public long read(long offset, int size) { return 7; }
            @Override public void write(long offset, int size, long value) { written.set(value); }
        }, FirmwareMilestone.PEI);
        assertEquals(7, d.read(0, 1));
        assertFalse(progress.reached(FirmwareMilestone.PEI));
        d.write(0, 2, 0x19);
        assertEquals(0x19, written.get(), "the write still reaches the device");
        assertEquals(FirmwareMilestone.PEI, progress.furthest());
        long at = progress.reachedAtMillis(FirmwareMilestone.PEI);
        d.write(0, 2, 0x20);
        assertEquals(at, progress.reachedAtMillis(FirmwareMilestone.PEI), "the first time counts");
    }

    @Test
    void furthestIsTheLatestPhaseWithEvidence() {
        progress.reach(FirmwareMilestone.DXE);
        progress.reach(FirmwareMilestone.PEI);
        assertEquals(FirmwareMilestone.DXE, progress.furthest());
    }

    @Test
    void phasesBeforeTheFurthestReadAsPassedNotAsNotReached() {
        progress.reach(FirmwareMilestone.DXE);
        String d = progress.describe(0);
        assertTrue(d.contains("SEC  passed (no timestamp)"), d);
        assertTrue(d.contains("BDS  not reached"), d);
    }

    @Test
    void firstConsoleByteMeansBds() {
        StringBuilder out = new StringBuilder();
        ConsoleSink s = progress.onFirstByte(b -> out.append((char) b), FirmwareMilestone.BDS);
        s.write((byte) 'x');
        assertEquals("x", out.toString());
        assertEquals(FirmwareMilestone.BDS, progress.furthest());
    }

    @Test
    void debugBuildLogLinesAnnounceTheirPhase() {
        ConsoleSink s = progress.watchingDebugLog(ConsoleSink.NONE);
        for (byte b : "SecCoreStartupWithStack(0xFFFCC000, 0x820000)\nLoading DXE CORE at 0x00007E9A000\n".getBytes()) s.write(b);
        assertTrue(progress.reached(FirmwareMilestone.SEC));
        assertTrue(progress.reached(FirmwareMilestone.DXE));
        assertFalse(progress.reached(FirmwareMilestone.BDS));
    }

    @Test
    void aNewFirmwareStartsWithNoMilestonesAndTheObserversArmAgain() {
        BusDevice fwCfg = progress.onFirstWrite(new BusDevice() {
            @Override public long read(long offset, int size) { return 0; }
            @Override public void write(long offset, int size, long value) { }
        }, FirmwareMilestone.PEI);
        ConsoleSink com1 = progress.onFirstByte(ConsoleSink.NONE, FirmwareMilestone.BDS);
        fwCfg.write(0, 2, 1);
        com1.write((byte) 'x');
        assertEquals(FirmwareMilestone.BDS, progress.furthest(), "what stage 1 did");
        progress.restart();
        assertNull(progress.furthest(), "says nothing about the firmware installed now");
        fwCfg.write(0, 2, 1);
        assertEquals(FirmwareMilestone.PEI, progress.furthest(), "the new firmware's own first fw-cfg write");
    }
}
