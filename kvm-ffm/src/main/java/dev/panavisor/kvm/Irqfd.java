package dev.panavisor.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An eventfd bound to a GSI of the in-kernel irqchip with KVM_IRQFD: each {@link #trigger()}
 * injects one edge on that GSI. The hot path is one write(2) of a constant 8-byte buffer, made
 * once here, so raising an interrupt allocates nothing and takes no lock; any thread may call it.
 */
public final class Irqfd extends OwnedFd {
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private final int gsi;

    Irqfd(int eventfd, int gsi) {
        super(eventfd, "irqfd(gsi " + gsi + ")");
        this.gsi = gsi;
    }

    public int gsi() { return gsi; }

    /** Injects one interrupt edge. Returns false if the write failed (the VM is being torn down). */
    public boolean trigger() {
        return Posix.writeNoThrow(fd, ONE) == 8;
    }
}
