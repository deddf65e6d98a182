package dev.panavisor.devices.rtc;

import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.bus.InterruptLine;

import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The MC146818A real-time clock and its CMOS RAM at ports 0x70 (index, bit 7 = NMI
 * disable) and 0x71 (data), as the PC/AT wires it.
 *
 * <p>Time runs from the host's clock (UTC, like QEMU's default {@code -rtc base=utc}) plus
 * an offset the guest changes by writing the time registers; with SET (register B bit 7)
 * the clock stops updating so the guest can write a consistent time. Register A's
 * update-in-progress bit is raised for the 244 us before each second ticks over (datasheet
 * "Update Cycle"), and register C's update-ended and periodic flags are derived from the
 * clock when C is read, so firmware that polls them costs nothing.
 *
 * <p>IRQ 8: when register B enables an interrupt (PIE, AIE or UIE) a timer thread of this device
 * wakes at the next periodic tick, second boundary or alarm time, latches the flag in register C
 * with IRQF and asserts the line; reading C returns and clears the flags and deasserts it
 * (datasheet, "Interrupts" and register C). The thread sleeps while no interrupt is enabled and
 * never runs on a vCPU thread. A platform {@link #reset()} clears the enables and flags, as the
 * chip's RESET pin does.
 *
 * <p>Bytes 0x0E..0x7F are plain battery-backed RAM; the machine fills the ones firmware
 * reads (memory sizes, CPU count) with {@link #setRam}.
 */
public final class CmosRtc implements BusDevice, AutoCloseable {
    public static final int PORT_BASE = 0x70;
    public static final int PORT_COUNT = 2;

    public static final int SECONDS = 0x00, SECONDS_ALARM = 0x01, MINUTES = 0x02, MINUTES_ALARM = 0x03,
            HOURS = 0x04, HOURS_ALARM = 0x05, DAY_OF_WEEK = 0x06, DAY_OF_MONTH = 0x07, MONTH = 0x08, YEAR = 0x09,
            REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C, REG_D = 0x0D, CENTURY = 0x32;

    static final int A_UIP = 0x80;
    static final int B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_DM_BINARY = 0x04, B_24H = 0x02;
    static final int C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10;
    static final int D_VRT = 0x80;
    /** Update-in-progress lasts 244 us before the update (datasheet, "Update Cycle"). */
    static final long UIP_NANOS = 244_000;

    private final InstantSource clock;
    private final byte[] ram = new byte[128];
    private int index;
    private boolean nmiMasked;
    /** Guest time minus host time, in seconds. */
    private long offsetSeconds;
    /** The guest's time frozen while SET is on. */
    private long frozenSeconds;
    private long lastCReadSecond;
    private long lastCReadNanos;
    private final InterruptLine irq;
    /** Flags the timer latched since C was last read (IRQF included when one was enabled). */
    private int latchedC;
    private boolean lineAsserted;
    private Thread timer;
    private boolean closed;

    public CmosRtc(InstantSource clock) {
        this(clock, InterruptLine.NONE);
    }

    /** With IRQ 8 wired to {@code irq}. */
    public CmosRtc(InstantSource clock, InterruptLine irq) {
        this.clock = Objects.requireNonNull(clock);
        this.irq = Objects.requireNonNull(irq);
        ram[REG_A] = 0x26; // 32.768 kHz time base, 1.024 kHz periodic rate: what BIOSes program
        ram[REG_B] = B_24H; // 24-hour BCD
        ram[REG_D] = (byte) D_VRT;
        Instant now = clock.instant();
        lastCReadSecond = now.getEpochSecond();
        lastCReadNanos = nanosOf(now);
    }

    public CmosRtc() { this(InstantSource.system()); }

    /**
     * A platform reset (the chip's RESET pin): PIE, AIE, UIE and SQWE are cleared and so are the
     * flags in register C (datasheet, "RESET"); time, the other register bits and the RAM stay.
     */
    public synchronized void reset() {
        ram[REG_B] = (byte) (ram[REG_B] & ~(B_PIE | B_AIE | B_UIE | 0x08));
        latchedC = 0;
        lowerLine();
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Sets a CMOS RAM byte (0x0E..0x7F) the way the machine's BIOS set-up would. */
    public synchronized void setRam(int index, int value) {
        if (index < 0x0E || index > 0x7F) throw new IllegalArgumentException("not a CMOS RAM byte: 0x" + Integer.toHexString(index));
        ram[index] = (byte) value;
    }

    public synchronized int ram(int index) { return ram[index & 0x7F] & 0xFF; }

    /** Port 0x70 bit 7: the guest's NMI mask. */
    public synchronized boolean nmiMasked() { return nmiMasked; }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset != 1) return 0xFF; // the index register is write-only
        return readRegister(index);
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset == 0) {
            index = (int) value & 0x7F;
            nmiMasked = (value & 0x80) != 0;
        } else if (offset == 1) {
            writeRegister(index, (int) value & 0xFF);
        }
    }

    private int readRegister(int r) {
        return switch (r) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> timeField(r, guestTime());
            case REG_A -> (ram[REG_A] & 0x7F) | (updateInProgress() ? A_UIP : 0);
            case REG_C -> readAndClearC();
            case REG_D -> D_VRT;
            default -> ram[r] & 0xFF;
        };
    }

    private void writeRegister(int r, int v) {
        switch (r) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> setTimeField(r, v);
            case REG_A -> ram[REG_A] = (byte) (v & 0x7F); // UIP is read-only
            case REG_B -> writeB(v);
            case REG_C, REG_D -> { } // read-only
            default -> ram[r] = (byte) v;
        }
    }

    private void writeB(int v) {
        boolean wasSet = (ram[REG_B] & B_SET) != 0;
        boolean set = (v & B_SET) != 0;
        if (!wasSet && set) frozenSeconds = hostSeconds() + offsetSeconds;
        if (wasSet && !set) offsetSeconds = frozenSeconds - hostSeconds();
        // SET also ends any update cycle and stops update-ended interrupts (datasheet, register B bit 7).
        ram[REG_B] = (byte) (set ? v & ~B_UIE : v);
        if ((ram[REG_B] & (B_PIE | B_AIE | B_UIE)) != 0) startTimer();
        notifyAll();
    }

    // ---- IRQ 8 ----

    private void startTimer() {
        if (timer != null || closed || irq == InterruptLine.NONE) return;
        timer = Thread.ofPlatform().daemon().name("rtc-irq8").start(this::timerLoop);
    }

    private void lowerLine() {
        if (lineAsserted) {
            lineAsserted = false;
            irq.set(false);
        }
    }

    /** Sleeps until the next enabled event, latches it in C and raises IRQ 8 unless it is already up. */
    private synchronized void timerLoop() {
        try {
            while (!closed) {
                int enabled = ram[REG_B] & (B_PIE | B_AIE | B_UIE);
                if (enabled == 0) {
                    wait();
                    continue;
                }
                Instant now = clock.instant();
                long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                long next = Long.MAX_VALUE;
                long period = periodNanos();
                if ((enabled & B_PIE) != 0 && period > 0) next = Math.min(next, (nowNanos / period + 1) * period);
                boolean seconds = (enabled & (B_UIE | B_AIE)) != 0 && !setMode();
                if (seconds) next = Math.min(next, (nowNanos / 1_000_000_000L + 1) * 1_000_000_000L);
                if (next == Long.MAX_VALUE) {
                    wait();
                    continue;
                }
                long delay = next - nowNanos;
                wait(delay / 1_000_000, (int) (delay % 1_000_000));
                Instant then = clock.instant();
                long thenNanos = then.getEpochSecond() * 1_000_000_000L + then.getNano();
                if (thenNanos < next || closed) continue; // woken early (a register write): recompute
                int flags = 0;
                if ((ram[REG_B] & B_PIE) != 0 && period > 0) flags |= C_PF;
                if (seconds && !setMode()) {
                    flags |= C_UF;
                    if (alarmMatches(guestTime())) flags |= C_AF;
                }
                int b = ram[REG_B];
                boolean fire = (flags & C_PF) != 0 && (b & B_PIE) != 0 || (flags & C_AF) != 0 && (b & B_AIE) != 0
                        || (flags & C_UF) != 0 && (b & B_UIE) != 0;
                latchedC |= flags | (fire ? C_IRQF : 0);
                if (fire && !lineAsserted) {
                    lineAsserted = true;
                    irq.set(true);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Register A's periodic rate: 2^(rate-1) ticks of 32.768 kHz for rates 3..15 (1 and 2 act as 8 and 9); 0 = off. */
    private long periodNanos() {
        int rate = ram[REG_A] & 0x0F;
        if (rate == 0) return 0;
        int effective = rate < 3 ? rate + 7 : rate;
        return (1_000_000_000L << (effective - 1)) / 32768;
    }

    private boolean setMode() { return (ram[REG_B] & B_SET) != 0; }
    private boolean binary() { return (ram[REG_B] & B_DM_BINARY) != 0; }

    private long hostSeconds() { return clock.instant().getEpochSecond(); }

    private long guestSeconds() { return setMode() ? frozenSeconds : hostSeconds() + offsetSeconds; }

    private LocalDateTime guestTime() { return LocalDateTime.ofEpochSecond(guestSeconds(), 0, ZoneOffset.UTC); }

    private boolean updateInProgress() {
        if (setMode() || (ram[REG_A] & 0x70) != 0x20) return false; // no updates without the normal divider
        return 1_000_000_000L - nanosOf(clock.instant()) <= UIP_NANOS;
    }

    private static long nanosOf(Instant i) { return i.getNano(); }

    private int timeField(int r, LocalDateTime t) {
        int v = switch (r) {
            case SECONDS -> t.getSecond();
            case MINUTES -> t.getMinute();
            case HOURS -> t.getHour();
            case DAY_OF_WEEK -> t.getDayOfWeek().getValue() % 7 + 1; // 1 = Sunday
            case DAY_OF_MONTH -> t.getDayOfMonth();
            case MONTH -> t.getMonthValue();
            case YEAR -> t.getYear() % 100;
            default -> t.getYear() / 100; // CENTURY
        };
        if (r == HOURS && (ram[REG_B] & B_24H) == 0) {
            boolean pm = v >= 12;
            int h12 = v % 12 == 0 ? 12 : v % 12;
            return encode(h12) | (pm ? 0x80 : 0);
        }
        return encode(v);
    }

    private int encode(int v) { return binary() ? v : (v / 10) << 4 | v % 10; }

    private int decode(int v) {
        if (binary()) return v;
        return ((v >> 4) & 0xF) * 10 + (v & 0xF);
    }

    private void setTimeField(int r, int raw) {
        LocalDateTime t = guestTime();
        int v;
        if (r == HOURS && (ram[REG_B] & B_24H) == 0) {
            boolean pm = (raw & 0x80) != 0;
            v = decode(raw & 0x7F) % 12 + (pm ? 12 : 0);
        } else {
            v = decode(raw);
        }
        // A guest may write nonsense (BCD digits above 9, February 31st); clamp rather than fail.
        try {
            t = switch (r) {
                case SECONDS -> t.withSecond(clamp(v, 0, 59));
                case MINUTES -> t.withMinute(clamp(v, 0, 59));
                case HOURS -> t.withHour(clamp(v, 0, 23));
                case DAY_OF_MONTH -> t.withDayOfMonth(clamp(v, 1, t.toLocalDate().lengthOfMonth()));
                case MONTH -> {
                    java.time.LocalDate first = t.toLocalDate().withDayOfMonth(1).withMonth(clamp(v, 1, 12));
                    yield t.with(first.withDayOfMonth(Math.min(t.getDayOfMonth(), first.lengthOfMonth())));
                }
                case YEAR -> t.withYear(t.getYear() / 100 * 100 + clamp(v, 0, 99));
                case CENTURY -> t.withYear(clamp(v, 19, 99) * 100 + t.getYear() % 100);
                default -> t; // day of week follows from the date
            };
        } catch (java.time.DateTimeException e) {
            return;
        }
        long seconds = t.toEpochSecond(ZoneOffset.UTC);
        if (setMode()) frozenSeconds = seconds;
        else offsetSeconds = seconds - hostSeconds();
    }

    private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }

    private int readAndClearC() {
        Instant now = clock.instant();
        long second = now.getEpochSecond();
        long nanos = nanosOf(now);
        int flags = 0;
        if (!setMode() && second != lastCReadSecond) flags |= C_UF;
        long periodNanos = periodNanos();
        if (periodNanos != 0) {
            long before = (lastCReadSecond * 1_000_000_000L + lastCReadNanos) / periodNanos;
            long after = (second * 1_000_000_000L + nanos) / periodNanos;
            if (after != before) flags |= C_PF;
        }
        if (alarmMatches(guestTime())) flags |= C_AF;
        int b = ram[REG_B];
        if ((flags & C_PF) != 0 && (b & B_PIE) != 0 || (flags & C_AF) != 0 && (b & B_AIE) != 0
                || (flags & C_UF) != 0 && (b & B_UIE) != 0) {
            flags |= C_IRQF;
        }
        lastCReadSecond = second;
        lastCReadNanos = nanos;
        flags |= latchedC;
        latchedC = 0;
        lowerLine();
        return flags;
    }

    /** Alarm bytes with the two high bits set are "don't care" (datasheet, "Alarm"). */
    private boolean alarmMatches(LocalDateTime t) {
        return alarmField(SECONDS_ALARM, SECONDS, t) && alarmField(MINUTES_ALARM, MINUTES, t) && alarmField(HOURS_ALARM, HOURS, t);
    }

    private boolean alarmField(int alarm, int field, LocalDateTime t) {
        int a = ram[alarm] & 0xFF;
        return (a & 0xC0) == 0xC0 || a == timeField(field, t);
    }
}
