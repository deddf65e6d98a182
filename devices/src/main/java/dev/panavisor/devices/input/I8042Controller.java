package dev.panavisor.devices.input;

import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.bus.InterruptLine;

/**
 * An 8042 keyboard controller with a keyboard that answers but never types, at ports 0x60
 * (data) and 0x64 (status/command). It exists for two reasons: Linux probes it and waits on
 * timeouts when it is missing or mute, and its output port's bit 0 is the CPU reset line that
 * {@code reboot=k} pulses with command 0xFE.
 *
 * <p>Implemented: controller self-test (0xAA), interface tests (0xAB, 0xA9), command byte
 * read/write (0x20, 0x60), port enable/disable (0xA7, 0xA8, 0xAD, 0xAE), output port
 * read/write (0xD0, 0xD1), the reset pulse (0xFE and 0xF0-0xFF with bit 0 clear), and the
 * keyboard's replies to reset (0xFF), get-ID (0xF2), echo (0xEE) and every other command (ACK).
 * No mouse: the auxiliary interface test reports a clock-line fault, so Linux skips the AUX port.
 */
public final class I8042Controller {
    public static final int DATA_PORT = 0x60;
    public static final int COMMAND_PORT = 0x64;
    public static final int KEYBOARD_IRQ = 1;

    static final int STATUS_OUTPUT_FULL = 0x01;
    static final int STATUS_SYSTEM_FLAG = 0x04;
    static final int STATUS_LAST_WAS_COMMAND = 0x08;
    static final int STATUS_AUX_DATA = 0x20;

    static final int CTR_KEYBOARD_INTERRUPT = 0x01;
    static final int CTR_SYSTEM_FLAG = 0x04;
    static final int CTR_KEYBOARD_DISABLED = 0x10;
    static final int CTR_AUX_DISABLED = 0x20;
    static final int CTR_TRANSLATE = 0x40;

    static final int OUTPUT_PORT_RESET_HIGH = 0x01; // active low: 0 holds the CPU in reset
    static final int OUTPUT_PORT_A20 = 0x02;

    private final Runnable resetRequest;
    private final InterruptLine keyboardIrq;
    private final Object lock = new Object();

    // guarded by lock
    private final byte[] output = new byte[16];
    private int outHead;
    private int outCount;
    private static final int POWER_ON_COMMAND_BYTE = CTR_KEYBOARD_INTERRUPT | CTR_SYSTEM_FLAG | CTR_AUX_DISABLED | CTR_TRANSLATE;
    private static final int POWER_ON_OUTPUT_PORT = OUTPUT_PORT_RESET_HIGH | OUTPUT_PORT_A20;

    private int commandByte = POWER_ON_COMMAND_BYTE;
    private int outputPort = POWER_ON_OUTPUT_PORT;
    private int pendingCommand = -1; // a controller command waiting for its data byte
    private boolean lastWasCommand;

    /**
     * @param resetRequest called (on a vCPU thread) when the guest pulses the reset line
     * @param keyboardIrq  IRQ 1, raised when a keyboard byte arrives with the keyboard interrupt enabled
     */
    public I8042Controller(Runnable resetRequest, InterruptLine keyboardIrq) {
        this.resetRequest = resetRequest;
        this.keyboardIrq = keyboardIrq;
    }

    /**
     * A platform reset: the controller and keyboard start over (empty buffer, power-on command
     * byte and output port, no half-written command), as the reset line resets the real 8042.
     */
    public void reset() {
        synchronized (lock) {
            outHead = 0;
            outCount = 0;
            java.util.Arrays.fill(output, (byte) 0);
            commandByte = POWER_ON_COMMAND_BYTE;
            outputPort = POWER_ON_OUTPUT_PORT;
            pendingCommand = -1;
            lastWasCommand = false;
        }
        keyboardIrq.set(false);
    }

    /** The device for port 0x60. */
    public BusDevice dataPort() {
        return new BusDevice() {
            @Override public long read(long offset, int size) { return offset == 0 ? readData() : 0xFF; }
            @Override public void write(long offset, int size, long value) { if (offset == 0) writeData((int) value & 0xFF); }
        };
    }

    /** The device for port 0x64. */
    public BusDevice commandPort() {
        return new BusDevice() {
            @Override public long read(long offset, int size) { return offset == 0 ? readStatus() : 0xFF; }
            @Override public void write(long offset, int size, long value) { if (offset == 0) writeCommand((int) value & 0xFF); }
        };
    }

    int readStatus() {
        synchronized (lock) {
            int s = STATUS_SYSTEM_FLAG;
            if (outCount > 0) s |= STATUS_OUTPUT_FULL;
            if (lastWasCommand) s |= STATUS_LAST_WAS_COMMAND;
            return s;
        }
    }

    int readData() {
        boolean more;
        int value;
        synchronized (lock) {
            if (outCount == 0) return output[(outHead - 1) & 15] & 0xFF; // the last byte again, as the latch holds it
            value = output[outHead] & 0xFF;
            outHead = (outHead + 1) & 15;
            outCount--;
            more = outCount > 0 && (commandByte & CTR_KEYBOARD_INTERRUPT) != 0;
        }
        if (more) keyboardIrq.pulse();
        return value;
    }

    void writeCommand(int command) {
        boolean reset = false;
        synchronized (lock) {
            lastWasCommand = true;
            pendingCommand = -1;
            switch (command) {
                case 0x20 -> push(commandByte);
                case 0x60, 0xD1, 0xD2, 0xD3, 0xD4 -> pendingCommand = command;
                case 0xA7 -> commandByte |= CTR_AUX_DISABLED;
                case 0xA8 -> commandByte &= ~CTR_AUX_DISABLED;
                case 0xA9 -> push(0x01);  // AUX interface test: "clock line stuck low", i.e. no mouse
                case 0xAA -> push(0x55);  // controller self-test passed
                case 0xAB -> push(0x00);  // keyboard interface test passed
                case 0xAD -> commandByte |= CTR_KEYBOARD_DISABLED;
                case 0xAE -> commandByte &= ~CTR_KEYBOARD_DISABLED;
                case 0xD0 -> push(outputPort);
                default -> {
                    // 0xF0-0xFF pulse the output port bits whose command bit is 0; bit 0 is the reset line.
                    if ((command & 0xF0) == 0xF0 && (command & 0x01) == 0) reset = true;
                }
            }
        }
        if (reset) resetRequest.run();
    }

    void writeData(int value) {
        boolean reset = false;
        boolean irq = false;
        synchronized (lock) {
            lastWasCommand = false;
            int command = pendingCommand;
            pendingCommand = -1;
            switch (command) {
                case 0x60 -> commandByte = value;
                case 0xD1 -> {
                    outputPort = value;
                    reset = (value & OUTPUT_PORT_RESET_HIGH) == 0;
                }
                case 0xD2 -> irq = pushWithIrq(value);         // write keyboard output buffer
                case 0xD3, 0xD4 -> { }                          // no mouse: AUX bytes go nowhere
                default -> irq = keyboardCommand(value);
            }
        }
        if (irq) keyboardIrq.pulse();
        if (reset) resetRequest.run();
    }

    /** A byte for the keyboard itself; returns whether IRQ 1 should fire. */
    private boolean keyboardCommand(int value) {
        boolean irq;
        switch (value) {
            case 0xFF -> { irq = pushWithIrq(0xFA); pushWithIrq(0xAA); }   // ACK, then BAT passed
            case 0xF2 -> { irq = pushWithIrq(0xFA); pushWithIrq(0xAB); pushWithIrq(0x83); } // ACK, MF2 keyboard ID
            case 0xEE -> irq = pushWithIrq(0xEE);                          // echo
            default -> irq = pushWithIrq(0xFA);                            // ACK (LEDs, rate, scan set, enable...)
        }
        return irq;
    }

    private boolean pushWithIrq(int value) {
        boolean wasEmpty = outCount == 0;
        push(value);
        return wasEmpty && (commandByte & CTR_KEYBOARD_INTERRUPT) != 0;
    }

    private void push(int value) {
        if (outCount == output.length) return; // a real controller holds one byte; the rest would be lost too
        output[(outHead + outCount) & 15] = (byte) value;
        outCount++;
    }
}
