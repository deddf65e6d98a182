package dev.panavisor.confidential.launch;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.Set;

/**
 * The rules every launch context enforces the same way: calls in start / add / finish order, a
 * platform the context can build, page-aligned ranges, contents where the type takes them, one
 * context per vCPU. Counts what went in for the {@link LaunchMeasurement}.
 */
final class LaunchSteps {
    private enum Phase { NEW, STARTED, FINISHED }

    private final String context;
    private final Set<LaunchPlatform> platforms;
    private Phase phase = Phase.NEW;
    private LaunchPlatform platform;
    private long pages;
    private final BitSet vpContexts = new BitSet();

    LaunchSteps(String context, Set<LaunchPlatform> platforms) {
        this.context = context;
        this.platforms = EnumSet.copyOf(platforms);
    }

    void start(LaunchPlatform requested) {
        if (phase != Phase.NEW) throw new IllegalStateException(context + ": start called twice");
        if (!platforms.contains(requested)) {
            throw new IllegalArgumentException(context + " builds " + platforms + " launches, not " + requested);
        }
        platform = requested;
        phase = Phase.STARTED;
    }

    void page(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        requireStarted("addPages");
        if (type == null) throw new NullPointerException("type");
        if (gpa % LaunchContext.PAGE_SIZE != 0 || length <= 0 || length % LaunchContext.PAGE_SIZE != 0) {
            throw new IllegalArgumentException(String.format("%s: %s pages at 0x%x, 0x%x bytes: not whole, aligned 4 KiB pages",
                    context, type, gpa, length));
        }
        if (type.takesContents() && contents == null) {
            throw new IllegalArgumentException(context + ": " + type + " pages need contents");
        }
        if (!type.takesContents() && contents != null) {
            throw new IllegalArgumentException(context + ": " + type + " pages take no contents");
        }
        if (contents != null && contents.byteSize() > length) {
            throw new IllegalArgumentException(String.format("%s: 0x%x bytes of contents for 0x%x bytes of pages",
                    context, contents.byteSize(), length));
        }
        pages += length / LaunchContext.PAGE_SIZE;
    }

    void vpContext(int vpIndex, MemorySegment data) {
        requireStarted("addVpContext");
        if (vpIndex < 0) throw new IllegalArgumentException(context + ": negative VP index " + vpIndex);
        if (data == null) throw new NullPointerException("context");
        if (vpContexts.get(vpIndex)) {
            throw new IllegalArgumentException(context + ": VP " + vpIndex + " already has a context");
        }
        vpContexts.set(vpIndex);
    }

    void finish() {
        requireStarted("finish");
        phase = Phase.FINISHED;
    }

    LaunchPlatform platform() {
        return platform;
    }

    long pages() {
        return pages;
    }

    int vpContexts() {
        return vpContexts.cardinality();
    }

    String name() {
        return context;
    }

    private void requireStarted(String call) {
        if (phase == Phase.NEW) throw new IllegalStateException(context + ": " + call + " before start");
        if (phase == Phase.FINISHED) throw new IllegalStateException(context + ": " + call + " after finish");
    }
}
