package dev.panavisor.devices.console;

/**
 * The host end of a guest's character output (a UART transmitter, a debug console port).
 *
 * <p>{@link #write(byte)} runs on a vCPU thread inside a device access, once per byte the
 * guest sends, so it must not allocate and should not block for long: implementations
 * buffer and push to the host in batches. Devices never call {@link #flush()} on their own,
 * because they cannot know where the guest's messages end; the VMM calls it when output must
 * become visible (the guest stopped, a test wants to look).
 *
 * <p>One sink may be shared by several vCPU threads (a debug port has no lock of its own);
 * implementations that keep state must be thread-safe.
 */
public interface ConsoleSink {
    /** Takes one byte the guest sent. */
    void write(byte b);

    /** Pushes anything buffered to its destination. */
    default void flush() { }

    /** A sink that drops everything, like an unconnected serial line. */
    ConsoleSink NONE = b -> { };
}
