package dev.panavisor.devices.platform;

import dev.panavisor.vmm.bus.BusDevice;

import java.util.Objects;

/**
 * Only the reset line of the 8042 keyboard controller: command 0xFE written to port 0x64
 * pulses the CPU reset (the classic AT reboot). There is no keyboard and no controller
 * behind it, so status reads return 0xFF like an empty port, which firmware takes as
 * "no PS/2 controller" and skips keyboard set-up.
 */
public final class KeyboardControllerReset implements BusDevice {
    public static final int COMMAND_PORT = 0x64;
    public static final int PULSE_RESET = 0xFE;

    private final PlatformReset reset;

    public KeyboardControllerReset(PlatformReset reset) { this.reset = Objects.requireNonNull(reset); }

    @Override
    public long read(long offset, int size) { return size >= 8 ? -1L : (1L << (size * 8)) - 1; }

    @Override
    public void write(long offset, int size, long value) {
        if ((value & 0xFF) == PULSE_RESET) reset.request("8042 reset pulse (0xFE to port 0x64)");
    }
}
