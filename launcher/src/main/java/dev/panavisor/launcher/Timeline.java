package dev.panavisor.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Where start-up time went, measured from the JVM's own start so the JVM's cost is
 * in the numbers too. Printed with --timeline; always cheap enough to record.
 */
public final class Timeline {
    private record Mark(String what, long nanos) { }

    // The process start time, from /proc via ProcessHandle: no java.management needed at start-up.
    private final long jvmStartMillis = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());
    private final long originNanos = System.nanoTime() - (System.currentTimeMillis() - jvmStartMillis) * 1_000_000;
    private final List<Mark> marks = new ArrayList<>();

    public Timeline() {
        marks.add(new Mark("process started", originNanos));
        mark("launcher main");
    }

    public synchronized void mark(String what) {
        marks.add(new Mark(what, System.nanoTime()));
    }

    public synchronized void print(PrintStream out) {
        out.println("timeline (ms since JVM start):");
        for (Mark m : marks) out.printf("  %9.1f  %s%n", (m.nanos - originNanos) / 1e6, m.what);
    }
}
