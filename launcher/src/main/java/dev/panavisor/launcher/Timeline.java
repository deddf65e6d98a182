package dev.panavisor.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Where start-up time went, measured from the process's own start so the JVM's cost (and that
 * of the {@code ./panavisor} script, which execs the JVM in the same process) is in the numbers
 * too. Printed with --timeline; always cheap enough to record.
 */
public final class Timeline {
    private record Mark(String what, long nanos) { }

    private final long originNanos = processStartNanos();
    private final List<Mark> marks = new ArrayList<>();

    public Timeline() {
        marks.add(new Mark("process started", originNanos));
        mark("launcher main");
    }

    public synchronized void mark(String what) {
        marks.add(new Mark(what, System.nanoTime()));
    }

    /** The process start on the wall clock, for events stamped with {@link System#currentTimeMillis()}. */
    public long processStartEpochMillis() {
        return System.currentTimeMillis() - (System.nanoTime() - originNanos) / 1_000_000;
    }

    public synchronized void print(PrintStream out) {
        out.println("timeline (ms since the process started, 10 ms resolution):");
        for (Mark m : marks) out.printf("  %9.1f  %s%n", (m.nanos - originNanos) / 1e6, m.what);
    }

    /**
     * The process start on the {@link System#nanoTime()} clock. Linux gives it in
     * {@code /proc/self/stat} (field 22, clock ticks since boot, 100 per second), and on Linux
     * nanoTime is CLOCK_MONOTONIC, which also counts from boot. ProcessHandle's start instant
     * is no substitute: it is built from the boot time in whole seconds, so it was off by up
     * to a second.
     */
    private static long processStartNanos() {
        long now = System.nanoTime();
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startNanos = Long.parseLong(fields[19]) * 10_000_000L; // field 22 = index 19 after pid and comm
            return startNanos <= now && now - startNanos < 60_000_000_000L ? startNanos : now;
        } catch (java.io.IOException | RuntimeException e) {
            return now; // not Linux /proc: count from here
        }
    }
}
