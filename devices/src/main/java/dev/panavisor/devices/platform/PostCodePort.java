package dev.panavisor.devices.platform;

import dev.panavisor.vmm.bus.BusDevice;

/**
 * Port 0x80, where firmware writes POST codes (and which old code uses as an I/O delay).
 * The last code is kept for diagnostics; reads return all ones like an empty ISA port.
 */
public final class PostCodePort implements BusDevice {
    public static final int PORT = 0x80;

    private volatile int last = -1;

    @Override
    public long read(long offset, int size) { return size >= 8 ? -1L : (1L << (size * 8)) - 1; }

    @Override
    public void write(long offset, int size, long value) { last = (int) value & 0xFF; }

    /** The last POST code written, or -1. */
    public int lastCode() { return last; }
}
