package dev.panavisor.kvm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A file descriptor this process owns and closes exactly once, however many
 * threads race to close it. Subclasses add the typed operations.
 */
public class OwnedFd implements AutoCloseable {
    private static final VarHandle CLOSED;
    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(OwnedFd.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    protected final int fd;
    private final String what;
    @SuppressWarnings("unused") private volatile boolean closed;

    public OwnedFd(int fd, String what) {
        if (fd < 0) throw new IllegalArgumentException("negative fd for " + what);
        this.fd = fd;
        this.what = what;
    }

    /** The raw descriptor, for passing to the kernel (e.g. a guest_memfd in a memslot). */
    public int fd() { return fd; }

    public boolean isClosed() { return closed; }

    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, false, true)) {
            beforeClose();
            Posix.close(fd);
        }
    }

    /** Hook for subclasses that own mappings of this fd; runs once, before the fd is closed. */
    protected void beforeClose() {}

    @Override
    public String toString() { return what + "(fd " + fd + (closed ? ", closed" : "") + ")"; }
}
