package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.vmm.bus.BusDevice;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which {@link FirmwareMilestone}s a firmware run reached and when (wall-clock ms, so they
 * can be put against the process start). Observers wrap the devices whose first use is the
 * evidence; after the first hit they cost one volatile read per access.
 */
public final class FirmwareProgress {
    private static final FirmwareMilestone[] ALL = FirmwareMilestone.values();
    /** Lines DEBUG builds of OVMF print as each phase starts (phase entry points' own messages). */
    private static final String[][] DEBUG_MARKERS = {
            {"SecCoreStartupWithStack", "SEC"},
            {"Platform PEIM Loaded", "PEI"}, {"PeiCore", "PEI"},
            {"Loading DXE CORE", "DXE"}, {"DxeMain", "DXE"},
            {"[Bds]", "BDS"}, {"BdsDxe", "BDS"},
    };

    private final AtomicLongArray reachedAtMillis = new AtomicLongArray(ALL.length);
    /** Bumped by {@link #restart()}; observers re-arm when it changes. */
    private volatile int generation = 1;

    /**
     * Forgets every milestone: a different firmware was installed (a vmfwupdate image, or the
     * host's firmware restored), and what the previous one reached says nothing about it.
     */
    public void restart() {
        for (int i = 0; i < ALL.length; i++) reachedAtMillis.set(i, 0);
        generation++;
    }

    public void reach(FirmwareMilestone m) {
        reachedAtMillis.compareAndSet(m.ordinal(), 0, System.currentTimeMillis());
    }

    public boolean reached(FirmwareMilestone m) { return reachedAtMillis.get(m.ordinal()) != 0; }

    /** Wall-clock time the milestone was first seen, or 0. */
    public long reachedAtMillis(FirmwareMilestone m) { return reachedAtMillis.get(m.ordinal()); }

    /** The latest phase with evidence, or null when none. A later phase implies the earlier ones ran. */
    public FirmwareMilestone furthest() {
        for (int i = ALL.length - 1; i >= 0; i--) if (reachedAtMillis.get(i) != 0) return ALL[i];
        return null;
    }

    /** {@code device}, noting {@code m} at the first guest write. */
    public BusDevice onFirstWrite(BusDevice device, FirmwareMilestone m) {
        Objects.requireNonNull(device);
        return new BusDevice() {
            private int seen;
            @Override public long read(long offset, int size) { return device.read(offset, size); }
            @Override public void write(long offset, int size, long value) {
                int g = generation;
                if (seen != g) { seen = g; reach(m); }
                device.write(offset, size, value);
            }
        };
    }

    /** {@code sink}, noting {@code m} at the first byte. */
    public ConsoleSink onFirstByte(ConsoleSink sink, FirmwareMilestone m) {
        return new ConsoleSink() {
            private int seen;
            @Override public void write(byte b) {
                int g = generation;
                if (seen != g) { seen = g; reach(m); }
                sink.write(b);
            }
            @Override public void flush() { sink.flush(); }
        };
    }

    /** {@code sink}, noting the phases a DEBUG build announces in its log lines. */
    public ConsoleSink watchingDebugLog(ConsoleSink sink) {
        return new ConsoleSink() {
            private final StringBuilder line = new StringBuilder(256);
            @Override public void write(byte b) {
                synchronized (line) {
                    if (b == '\n') {
                        for (String[] m : DEBUG_MARKERS) if (line.indexOf(m[0]) >= 0) reach(FirmwareMilestone.valueOf(m[1]));
                        line.setLength(0);
                    } else if (line.length() < 256) {
                        line.append((char) (b & 0xFF));
                    }
                }
                sink.write(b);
            }
            @Override public void flush() { sink.flush(); }
        };
    }

    /** One line per milestone, times relative to {@code originMillis}. */
    public String describe(long originMillis) {
        StringBuilder b = new StringBuilder();
        FirmwareMilestone furthest = furthest();
        for (FirmwareMilestone m : ALL) {
            long t = reachedAtMillis.get(m.ordinal());
            // SEC's evidence is only looked for where the run stopped; a later phase implies it.
            String when = t != 0 ? String.format("%8d ms", t - originMillis)
                    : furthest != null && m.compareTo(furthest) < 0 ? "passed (no timestamp)" : "not reached";
            b.append(String.format("  %-4s %s   (%s)%n", m.name(), when, m.evidence()));
        }
        return b.toString();
    }
}
