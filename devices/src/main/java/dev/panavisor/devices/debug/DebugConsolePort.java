package dev.panavisor.devices.debug;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.vmm.bus.BusDevice;
import java.util.Objects;

/**
 * QEMU's debugcon: a one-port console. Each write sends its low byte to a sink; reads
 * return a fixed "readback" value (0xe9 by default) so a guest can tell the port is there,
 * since an empty ISA port would read 0xff.
 *
 * <p>Stateless: vCPUs may write concurrently, and the sink (which must be thread-safe)
 * decides how their bytes interleave.
 */
public final class DebugConsolePort implements BusDevice {
    /** Bochs' and QEMU's usual port, and the port SeaBIOS and OVMF debug builds write to. */
    public static final int BOCHS_PORT = 0xE9;
    public static final int FIRMWARE_PORT = 0x402;
    public static final int PORT_COUNT = 1;
    public static final int DEFAULT_READBACK = 0xE9;

    private final ConsoleSink sink;
    private final int readback;

    public DebugConsolePort(ConsoleSink sink, int readback) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (readback < 0 || readback > 0xFF) throw new IllegalArgumentException("readback must be a byte: " + readback);
        this.readback = readback;
    }

    public DebugConsolePort(ConsoleSink sink) { this(sink, DEFAULT_READBACK); }

    @Override
    public long read(long offset, int size) { return readback; }

    @Override
    public void write(long offset, int size, long value) { sink.write((byte) value); }
}
