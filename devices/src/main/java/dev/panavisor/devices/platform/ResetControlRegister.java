package dev.panavisor.devices.platform;

import dev.panavisor.vmm.bus.BusDevice;

import java.util.Objects;

/**
 * The PIIX3/PIIX4 Reset Control Register at 0xCF9 (82371AB datasheet 4.1.17): bit 1
 * (SRST) selects a hard reset, and writing bit 2 (RCPU) set starts the reset. As in QEMU,
 * any write with RCPU resets the machine; otherwise only SRST is kept for reading back.
 */
public final class ResetControlRegister implements BusDevice {
    public static final int PORT = 0xCF9;
    public static final int SYSTEM_RESET = 0x02, RESET_CPU = 0x04;

    private final PlatformReset reset;
    private volatile int value;

    public ResetControlRegister(PlatformReset reset) { this.reset = Objects.requireNonNull(reset); }

    @Override
    public long read(long offset, int size) { return value; }

    @Override
    public void write(long offset, int size, long v) {
        int b = (int) v & 0xFF;
        if ((b & RESET_CPU) != 0) {
            reset.request((b & SYSTEM_RESET) != 0 ? "hard reset through 0xCF9" : "soft reset through 0xCF9");
            return;
        }
        value = b & SYSTEM_RESET;
    }

    public void reset() { value = 0; }
}
