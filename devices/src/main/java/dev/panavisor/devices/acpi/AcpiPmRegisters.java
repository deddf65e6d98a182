package dev.panavisor.devices.acpi;

import dev.panavisor.vmm.bus.BusDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The PIIX4's fixed ACPI hardware registers at the PM base (82371AB datasheet 7.2; ACPI
 * 6.5 section 4.8): PM1a_EVT_BLK (PM1_STS at +0, PM1_EN at +2), PM1a_CNT_BLK (PM1_CNT at
 * +4) and PM_TMR_BLK (+8). Status bits are write-one-to-clear; TMR_STS is set whenever
 * bit 23 of the timer has changed since it was last cleared. Writing SLP_EN with SLP_TYP 0,
 * the S5 value QEMU's PIIX4 tables advertise, powers the machine off. No SCI is raised.
 */
public final class AcpiPmRegisters implements BusDevice {
    private static final Logger LOG = LoggerFactory.getLogger(AcpiPmRegisters.class);

    public static final int PM1_STS = 0x00, PM1_EN = 0x02, PM1_CNT = 0x04, PM_TMR = 0x08;
    public static final int STS_TMR = 0x0001, STS_PWRBTN = 0x0100, STS_WAK = 0x8000;
    public static final int CNT_SCI_EN = 0x0001, CNT_SLP_EN = 0x2000;
    public static final int SLP_TYP_SHIFT = 10;
    /** SLP_TYP for soft-off on QEMU's PIIX4 (its DSDT's \_S5 package). */
    public static final int SLP_TYP_S5 = 0;

    private final AcpiPmTimer timer;
    private final Runnable powerOff;
    private int status;
    private int enable;
    private int control;
    private long timerEpochAtClear;

    public AcpiPmRegisters(AcpiPmTimer timer, Runnable powerOff) {
        this.timer = Objects.requireNonNull(timer);
        this.powerOff = Objects.requireNonNull(powerOff);
        reset();
    }

    public synchronized void reset() {
        status = 0;
        enable = 0;
        control = 0;
        timerEpochAtClear = timer.ticks() >>> 23;
    }

    @Override
    public synchronized long read(long offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = v << 8 | readByte((int) offset + i);
        return v;
    }

    private int readByte(int at) {
        return switch (at) {
            case PM1_STS -> currentStatus() & 0xFF;
            case PM1_STS + 1 -> currentStatus() >> 8;
            case PM1_EN -> enable & 0xFF;
            case PM1_EN + 1 -> enable >> 8;
            case PM1_CNT -> control & 0xFF;
            case PM1_CNT + 1 -> control >> 8;
            case PM_TMR, PM_TMR + 1, PM_TMR + 2, PM_TMR + 3 -> (timer.value() >>> (8 * (at - PM_TMR))) & 0xFF;
            default -> 0;
        };
    }

    private int currentStatus() {
        if ((timer.ticks() >>> 23) != timerEpochAtClear) status |= STS_TMR;
        return status;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            int at = (int) offset + i;
            int b = (int) (value >>> (8 * i)) & 0xFF;
            switch (at) {
                case PM1_STS -> clearStatus(b);
                case PM1_STS + 1 -> clearStatus(b << 8);
                case PM1_EN -> enable = (enable & 0xFF00) | b;
                case PM1_EN + 1 -> enable = (enable & 0x00FF) | b << 8;
                case PM1_CNT -> control = (control & 0xFF00) | b;
                case PM1_CNT + 1 -> writeControlHigh(b);
                default -> { } // the timer and reserved bytes are read-only
            }
        }
    }

    private void clearStatus(int bits) {
        currentStatus();
        status &= ~bits;
        if ((bits & STS_TMR) != 0) timerEpochAtClear = timer.ticks() >>> 23;
    }

    private void writeControlHigh(int b) {
        int v = (control & 0x00FF) | b << 8;
        control = v & ~CNT_SLP_EN; // SLP_EN is write-only and reads as zero
        if ((v & CNT_SLP_EN) != 0) {
            int type = (v >> SLP_TYP_SHIFT) & 7;
            if (type == SLP_TYP_S5) {
                LOG.info("guest entered S5 through PM1_CNT: powering off");
                powerOff.run();
            } else {
                LOG.info("guest asked for sleep type {} through PM1_CNT; only S5 (type {}) is supported, ignoring", type, SLP_TYP_S5);
            }
        }
    }
}
