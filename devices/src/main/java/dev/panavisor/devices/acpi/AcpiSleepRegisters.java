package dev.panavisor.devices.acpi;

import dev.panavisor.vmm.bus.BusDevice;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three byte-wide I/O registers a hardware-reduced FADT points at, at consecutive ports:
 * <ul>
 *   <li>offset 0, SLEEP_CONTROL_REG (ACPI 6.5 §4.8.3.7): bits 4-2 SLP_TYPx, bit 5 SLP_EN. Writing
 *       SLP_EN with the SLP_TYP that the DSDT's {@code \_S5} names requests power-off; other sleep
 *       types are not offered by our tables and are ignored.</li>
 *   <li>offset 1, SLEEP_STATUS_REG (§4.8.3.8): bit 7 WAK_STS, write 1 to clear. The machine never
 *       sleeps, so it never wakes, and the register reads 0.</li>
 *   <li>offset 2, RESET_REG (§4.8.3.6): writing the FADT's RESET_VALUE requests a reset.</li>
 * </ul>
 * Wider accesses are taken byte by byte from their first register, as the bus delivers them.
 */
public final class AcpiSleepRegisters implements BusDevice {
    public static final int PORT_COUNT = 3;
    public static final int SLEEP_CONTROL = 0;
    public static final int SLEEP_STATUS = 1;
    public static final int RESET = 2;

    static final int SLP_EN = 1 << 5;
    static final int SLP_TYP_SHIFT = 2;
    static final int SLP_TYP_MASK = 0x7;

    private static final Logger log = LoggerFactory.getLogger(AcpiSleepRegisters.class);

    private final int s5SleepType;
    private final int resetValue;
    private final PowerRequestHandler handler;

    /**
     * @param s5SleepType the SLP_TYP value of {@code \_S5} in the DSDT
     * @param resetValue  the FADT's RESET_VALUE
     */
    public AcpiSleepRegisters(int s5SleepType, int resetValue, PowerRequestHandler handler) {
        if (s5SleepType < 0 || s5SleepType > SLP_TYP_MASK) throw new IllegalArgumentException("SLP_TYP is 3 bits: " + s5SleepType);
        if (resetValue < 0 || resetValue > 0xFF) throw new IllegalArgumentException("reset value is one byte: " + resetValue);
        this.s5SleepType = s5SleepType;
        this.resetValue = resetValue;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public long read(long offset, int size) {
        // SLEEP_CONTROL_REG is write-only (reads as 0), WAK_STS is never set, RESET_REG is write-only.
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        int n = Math.max(1, Math.min(size, 8));
        for (int i = 0; i < n; i++) {
            long register = offset + i;
            if (register < 0 || register >= PORT_COUNT) return;
            writeRegister((int) register, (int) (value >>> (8 * i)) & 0xFF);
        }
    }

    private void writeRegister(int register, int value) {
        switch (register) {
            case SLEEP_CONTROL -> {
                if ((value & SLP_EN) == 0) return;
                int type = (value >>> SLP_TYP_SHIFT) & SLP_TYP_MASK;
                if (type == s5SleepType) {
                    handler.requestPowerOff();
                } else {
                    log.debug("guest asked for sleep type {}, which the tables do not offer; ignored", type);
                }
            }
            case RESET -> {
                if (value == resetValue) handler.requestReset();
            }
            default -> { }
        }
    }
}
