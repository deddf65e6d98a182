package dev.panavisor.devices.rtc;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MC146818A datasheet rules (Motorola MC146818A, "Address Map", "Registers", "Update Cycle"). */
class CmosRtcTest {
    /** 2026-03-14 15:09:26.5 UTC, a Saturday. */
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-14T15:09:26.500Z"));
    final CmosRtc rtc = new CmosRtc(now::get);

    int read(int index) {
        rtc.write(0, 1, index);
        return (int) rtc.read(1, 1);
    }

    void write(int index, int value) {
        rtc.write(0, 1, index);
        rtc.write(1, 1, value);
    }

    @Test
    void timeReadsInBcdByDefault() {
        assertEquals(0x26, read(CmosRtc.SECONDS));
        assertEquals(0x09, read(CmosRtc.MINUTES));
        assertEquals(0x15, read(CmosRtc.HOURS));
        assertEquals(0x14, read(CmosRtc.DAY_OF_MONTH));
        assertEquals(0x03, read(CmosRtc.MONTH));
        assertEquals(0x26, read(CmosRtc.YEAR));
        assertEquals(0x20, read(CmosRtc.CENTURY));
        assertEquals(7, read(CmosRtc.DAY_OF_WEEK), "day of week 1 = Sunday, so Saturday = 7");
    }

    @Test
    void registerBDataModeSelectsBinary() {
        write(CmosRtc.REG_B, CmosRtc.B_24H | CmosRtc.B_DM_BINARY);
        assertEquals(26, read(CmosRtc.SECONDS));
        assertEquals(15, read(CmosRtc.HOURS));
        assertEquals(26, read(CmosRtc.YEAR));
    }

    @Test
    void twelveHourModeSetsThePmBit() {
        write(CmosRtc.REG_B, 0); // 12-hour BCD
        assertEquals(0x80 | 0x03, read(CmosRtc.HOURS), "15:xx is 3 PM");
        now.set(Instant.parse("2026-03-14T00:30:00Z"));
        assertEquals(0x12, read(CmosRtc.HOURS), "midnight hour is 12 AM");
    }

    @Test
    void timeKeepsRunningFromTheHostClock() {
        now.set(now.get().plusSeconds(61));
        assertEquals(0x27, read(CmosRtc.SECONDS));
        assertEquals(0x10, read(CmosRtc.MINUTES));
    }

    @Test
    void guestWrittenTimeBecomesAnOffsetThatKeepsTicking() {
        write(CmosRtc.REG_B, CmosRtc.B_SET | CmosRtc.B_24H);
        write(CmosRtc.HOURS, 0x08);
        write(CmosRtc.YEAR, 0x30);
        now.set(now.get().plusSeconds(5));
        assertEquals(0x26, read(CmosRtc.SECONDS), "SET stops updates");
        write(CmosRtc.REG_B, CmosRtc.B_24H);
        now.set(now.get().plusSeconds(3));
        assertEquals(0x08, read(CmosRtc.HOURS));
        assertEquals(0x29, read(CmosRtc.SECONDS), "running again from where the guest set it");
        assertEquals(0x30, read(CmosRtc.YEAR));
    }

    @Test
    void nonsenseDatesAreClampedNotThrown() {
        write(CmosRtc.REG_B, CmosRtc.B_SET | CmosRtc.B_24H);
        write(CmosRtc.MONTH, 0x02);
        write(CmosRtc.DAY_OF_MONTH, 0x31);
        assertEquals(0x28, read(CmosRtc.DAY_OF_MONTH), "February 2026 has 28 days");
        write(CmosRtc.SECONDS, 0xFF);
        assertEquals(0x59, read(CmosRtc.SECONDS));
    }

    @Test
    void updateInProgressIsSetForTheLast244MicrosecondsOfEachSecond() {
        assertEquals(0x26, read(CmosRtc.REG_A), "divider 010, rate 0110 after reset; UIP clear mid-second");
        now.set(Instant.parse("2026-03-14T15:09:26.999800Z"));
        assertEquals(0x80 | 0x26, read(CmosRtc.REG_A));
        now.set(Instant.parse("2026-03-14T15:09:26.999700Z"));
        assertEquals(0x26, read(CmosRtc.REG_A));
        write(CmosRtc.REG_A, 0xA6);
        assertEquals(0x26, read(CmosRtc.REG_A), "UIP is read-only");
    }

    @Test
    void registerCReportsUpdateEndedOnceAndClearsOnRead() {
        read(CmosRtc.REG_C);
        now.set(now.get().plusMillis(700));
        int c = read(CmosRtc.REG_C);
        assertEquals(CmosRtc.C_UF, c & CmosRtc.C_UF, "a second ticked over");
        assertEquals(0, c & CmosRtc.C_IRQF, "UIE is off, so no IRQF");
        assertEquals(0, read(CmosRtc.REG_C) & CmosRtc.C_UF, "read clears");
        write(CmosRtc.REG_B, CmosRtc.B_24H | CmosRtc.B_UIE);
        now.set(now.get().plusSeconds(1));
        assertEquals(CmosRtc.C_IRQF | CmosRtc.C_UF, read(CmosRtc.REG_C) & (CmosRtc.C_IRQF | CmosRtc.C_UF));
    }

    @Test
    void periodicFlagFollowsTheRateInRegisterA() {
        long period = (1_000_000_000L << 5) / 32768; // rate 6 = 1024 Hz: ~977 us
        Instant t = now.get();
        long epochNanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        now.set(t.minusNanos(epochNanos % period).plusNanos(1_000)); // just after a period boundary
        read(CmosRtc.REG_C);
        now.set(now.get().plusNanos(500_000));
        assertEquals(0, read(CmosRtc.REG_C) & CmosRtc.C_PF);
        now.set(now.get().plusNanos(1_000_000));
        assertEquals(CmosRtc.C_PF, read(CmosRtc.REG_C) & CmosRtc.C_PF);
    }

    @Test
    void registerDAlwaysReportsValidRam() {
        assertEquals(0x80, read(CmosRtc.REG_D));
        write(CmosRtc.REG_D, 0);
        assertEquals(0x80, read(CmosRtc.REG_D));
    }

    @Test
    void indexBitSevenIsTheNmiMaskAndNotPartOfTheIndex() {
        rtc.setRam(0x34, 0x5A);
        rtc.write(0, 1, 0x80 | 0x34);
        assertTrue(rtc.nmiMasked());
        assertEquals(0x5A, rtc.read(1, 1));
        rtc.write(0, 1, 0x34);
        assertFalse(rtc.nmiMasked());
        assertEquals(0xFF, rtc.read(0, 1), "the index port does not read back");
    }

    @Test
    void cmosRamHoldsWhatTheGuestWrites() {
        write(0x40, 0x12);
        assertEquals(0x12, read(0x40));
        assertThrows(IllegalArgumentException.class, () -> rtc.setRam(0x0A, 0));
    }
}
