package dev.panavisor.devices.platform;

import dev.panavisor.vmm.bus.BusDevice;

import java.util.Objects;

/**
 * PS/2 System Control Port A at 0x92 ("fast A20 and init"): bit 1 gates A20, and a 0-to-1
 * transition of bit 0 resets the processor (IBM PS/2 technical reference; QEMU's port92
 * behaves the same). Under KVM the A20 line is always enabled: the bit is kept only so
 * firmware reads back what it wrote. Bit 0 reads 0 after the reset it caused.
 */
public final class SystemControlPortA implements BusDevice {
    public static final int PORT = 0x92;
    public static final int FAST_RESET = 0x01, A20 = 0x02;

    private final PlatformReset reset;
    private int value;

    public SystemControlPortA(PlatformReset reset) { this.reset = Objects.requireNonNull(reset); }

    @Override
    public synchronized long read(long offset, int size) { return value; }

    @Override
    public void write(long offset, int size, long v) {
        boolean pulse;
        synchronized (this) {
            int old = value;
            value = (int) v & 0xFF;
            pulse = (value & FAST_RESET) != 0 && (old & FAST_RESET) == 0;
        }
        if (pulse) reset.request("port 0x92 fast reset");
    }

    /** Platform reset: the reset bit drops, A20 stays as firmware left it (QEMU does the same). */
    public synchronized void reset() { value &= ~FAST_RESET; }

    public synchronized boolean a20() { return (value & A20) != 0; }
}
