package dev.panavisor.devices.serial;

import static dev.panavisor.devices.serial.UartRegisters.*;

/**
 * The Modem Status Register: the four modem input lines (bits 4-7) and the change flags
 * (bits 0-3) that latch on each transition until the guest reads the register.
 * Not thread-safe: {@link Uart16550} guards it.
 */
final class ModemStatus {
    private int lines;  // MSR_CTS | MSR_DSR | MSR_RI | MSR_DCD, as currently driven
    private int deltas; // MSR_DCTS | MSR_DDSR | MSR_TERI | MSR_DDCD, latched

    ModemStatus(int initialLines) { this.lines = initialLines; }

    /** Drives the inputs to {@code newLines}, latching a delta for every line that changed. */
    void drive(int newLines) {
        int changed = lines ^ newLines;
        if ((changed & MSR_CTS) != 0) deltas |= MSR_DCTS;
        if ((changed & MSR_DSR) != 0) deltas |= MSR_DDSR;
        if ((changed & MSR_DCD) != 0) deltas |= MSR_DDCD;
        // TERI flags only the trailing edge of a ring: RI going from on to off.
        if ((lines & MSR_RI) != 0 && (newLines & MSR_RI) == 0) deltas |= MSR_TERI;
        lines = newLines;
    }

    /** Whether a change is latched; this is what raises the modem status interrupt. */
    boolean hasDelta() { return deltas != 0; }

    /** A guest read: returns the register and clears the deltas, as the datasheet specifies. */
    int read() {
        int value = lines | deltas;
        deltas = 0;
        return value;
    }

    /** Master reset: deltas cleared, lines as driven. */
    void reset(int resetLines) {
        lines = resetLines;
        deltas = 0;
    }
}
