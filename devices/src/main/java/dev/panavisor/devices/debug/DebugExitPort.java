package dev.panavisor.devices.debug;

import dev.panavisor.vmm.bus.BusDevice;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU's isa-debug-exit: any write of value {@code v} asks the VMM to stop with status
 * {@code (v << 1) | 1}. The status is always odd so that a guest can never make the VMM
 * look as if it exited cleanly on its own (status 0); test harnesses map an agreed odd
 * value to success. Reads return 0.
 *
 * <p>The value is taken at the width of the access, so {@code out %al} writes 8 bits and
 * {@code out %eax} 32; the status is computed in 32 bits, and a process exit code keeps only
 * its low 8.
 */
public final class DebugExitPort implements BusDevice {
    /** Where QEMU's x86 test setups conventionally place the device, and its size. */
    public static final int DEFAULT_PORT = 0x501;
    public static final int PORT_COUNT = 2;

    private static final Logger log = LoggerFactory.getLogger(DebugExitPort.class);

    private final ExitRequestHandler handler;

    public DebugExitPort(ExitRequestHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** The status a write of {@code value} requests: {@code (value << 1) | 1}. */
    public static int exitStatus(long value) { return (int) ((value << 1) | 1); }

    @Override
    public long read(long offset, int size) { return 0; }

    @Override
    public void write(long offset, int size, long value) {
        long v = size >= 8 || size <= 0 ? value : value & ((1L << (8 * size)) - 1);
        int status = exitStatus(v);
        log.debug("guest requested exit: value {}, status {}", v, status);
        handler.requestExit(status);
    }
}
