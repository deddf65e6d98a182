package dev.panavisor.devices.acpi;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ACPI 6.5 sections 4.8.3 (PM1 event/control registers) and 4.8.3.3 (PM timer). */
class AcpiPmRegistersTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final AcpiPmTimer timer = new AcpiPmTimer(nanos::get);
    final AtomicInteger powerOffs = new AtomicInteger();
    final AcpiPmRegisters pm = new AcpiPmRegisters(timer, powerOffs::incrementAndGet);

    @Test
    void timerCountsAt3579545HzIn24Bits() {
        assertEquals(0, pm.read(AcpiPmRegisters.PM_TMR, 4));
        nanos.addAndGet(1_000_000_000L);
        assertEquals(3_579_545, pm.read(AcpiPmRegisters.PM_TMR, 4));
        nanos.addAndGet(4_000_000_000L);
        assertEquals((5L * 3_579_545) & 0xFFFFFF, pm.read(AcpiPmRegisters.PM_TMR, 4), "wraps at 2^24");
        assertEquals(0, pm.read(AcpiPmRegisters.PM_TMR, 4) >>> 24, "the top byte is zero");
    }

    @Test
    void timerDoesNotOverflowAfterHours() {
        nanos.addAndGet(10L * 3600 * 1_000_000_000L);
        assertEquals((36_000L * 3_579_545) & 0xFFFFFF, timer.value());
    }

    @Test
    void timerStatusSetsWhenBit23TogglesAndIsWriteOneToClear() {
        assertEquals(0, pm.read(AcpiPmRegisters.PM1_STS, 2) & AcpiPmRegisters.STS_TMR);
        nanos.addAndGet(2_400_000_000L); // 2^23 ticks is ~2.34 s
        assertEquals(AcpiPmRegisters.STS_TMR, pm.read(AcpiPmRegisters.PM1_STS, 2) & AcpiPmRegisters.STS_TMR);
        pm.write(AcpiPmRegisters.PM1_STS, 2, 0x0100); // clearing another bit leaves TMR_STS
        assertEquals(AcpiPmRegisters.STS_TMR, pm.read(AcpiPmRegisters.PM1_STS, 2) & AcpiPmRegisters.STS_TMR);
        pm.write(AcpiPmRegisters.PM1_STS, 2, AcpiPmRegisters.STS_TMR);
        assertEquals(0, pm.read(AcpiPmRegisters.PM1_STS, 2) & AcpiPmRegisters.STS_TMR);
    }

    @Test
    void enableAndControlRegistersReadBackAndSlpEnReadsZero() {
        pm.write(AcpiPmRegisters.PM1_EN, 2, 0x0121);
        assertEquals(0x0121, pm.read(AcpiPmRegisters.PM1_EN, 2));
        pm.write(AcpiPmRegisters.PM1_CNT, 2, AcpiPmRegisters.CNT_SCI_EN | 5 << AcpiPmRegisters.SLP_TYP_SHIFT);
        assertEquals(AcpiPmRegisters.CNT_SCI_EN | 5 << 10, pm.read(AcpiPmRegisters.PM1_CNT, 2));
        assertEquals(0, powerOffs.get(), "without SLP_EN nothing happens");
    }

    @Test
    void slpEnWithTheS5TypePowersOff() {
        pm.write(AcpiPmRegisters.PM1_CNT, 2, AcpiPmRegisters.CNT_SLP_EN | 1 << AcpiPmRegisters.SLP_TYP_SHIFT);
        assertEquals(0, powerOffs.get(), "S1 is not supported and ignored");
        pm.write(AcpiPmRegisters.PM1_CNT, 2, AcpiPmRegisters.CNT_SLP_EN | AcpiPmRegisters.SLP_TYP_S5 << AcpiPmRegisters.SLP_TYP_SHIFT);
        assertEquals(1, powerOffs.get());
        assertEquals(0, pm.read(AcpiPmRegisters.PM1_CNT, 2) & AcpiPmRegisters.CNT_SLP_EN);
    }

    @Test
    void byteAccessesReachSingleRegisterBytes() {
        pm.write(AcpiPmRegisters.PM1_EN + 1, 1, 0x01);
        assertEquals(0x0100, pm.read(AcpiPmRegisters.PM1_EN, 2));
        nanos.addAndGet(1_000_000);
        long full = pm.read(AcpiPmRegisters.PM_TMR, 4);
        assertEquals(full & 0xFF, pm.read(AcpiPmRegisters.PM_TMR, 1));
    }
}
