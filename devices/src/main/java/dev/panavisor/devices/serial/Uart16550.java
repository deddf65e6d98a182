package dev.panavisor.devices.serial;

import static dev.panavisor.devices.serial.UartRegisters.*;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.bus.InterruptLine;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 16550A UART on eight consecutive I/O ports, as found at COM1-COM4 on PCs.
 *
 * <p>Guest side: the eight registers behave as the PC16550D datasheet describes, including
 * the divisor latch, 16-byte receive FIFO with trigger levels, the four interrupt sources in
 * their priority order, loopback, and the modem status deltas. Bytes the guest transmits go
 * to a {@link ConsoleSink}; with MCR loopback set they come back into the receiver instead.
 *
 * <p>Host side: {@link #receive(byte[], int, int)} feeds the receiver from any thread. Like a
 * real line it does not wait: a character arriving with the FIFO full is lost and sets the
 * overrun flag, so a host that must not lose input paces itself with {@link #receiveCapacity()}.
 *
 * <p>Interrupts: the UART's INTR output reaches the {@link InterruptLine} only while MCR OUT2
 * is set and loopback is off, because PC boards gate the IRQ with the OUT2 pin and loopback
 * forces that pin inactive. The line is driven as a level and only on changes.
 *
 * <p>Not modelled, because the host end is a byte stream rather than a line: baud timing (a byte
 * leaves at once, so THRE and TEMT read as set whenever the guest can look; the receive FIFO
 * timeout counts as already elapsed), parity/framing errors and break, DMA (FCR bit 3 is accepted
 * and ignored), and character framing: LCR's word length reads back as written, but all 8 bits
 * pass both ways. LCR resets to 5-bit characters and no firmware here sets 8N1, so masking would
 * garble every guest that writes to the port without programming LCR first.
 *
 * <p>One lock serialises vCPU accesses and host input; every critical section is a few field
 * updates, plus one {@link ConsoleSink#write(byte)} per transmitted byte.
 */
public final class Uart16550 implements BusDevice {
    /** Conventional PC placement (base port and ISA IRQ) of the first two COM ports. */
    public static final int COM1_PORT = 0x3F8;
    public static final int COM1_IRQ = 4;
    public static final int COM2_PORT = 0x2F8;
    public static final int COM2_IRQ = 3;

    /** Ports the device occupies, starting at its base. */
    public static final int PORT_COUNT = UartRegisters.COUNT;

    private static final Logger log = LoggerFactory.getLogger(Uart16550.class);

    /** Receive trigger levels selected by FCR bits 6-7. */
    private static final int[] RX_TRIGGER_LEVELS = {1, 4, 8, 14};

    /** A terminal that is present and ready: CTS, DSR and DCD on, no ring. */
    private static final int HOST_MODEM_LINES = MSR_CTS | MSR_DSR | MSR_DCD;

    /** Divisor for 9600 baud from the PC's 1.8432 MHz clock; the datasheet leaves it undefined at reset. */
    private static final int DEFAULT_DIVISOR = 12;

    private final Object lock = new Object();
    private final ConsoleSink sink;
    private final InterruptLine irq;
    private final ReceiverFifo rx = new ReceiverFifo();
    private final ModemStatus modem = new ModemStatus(HOST_MODEM_LINES);

    // All fields below are guarded by lock.
    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int divisor = DEFAULT_DIVISOR;
    private boolean fifoEnabled;
    private int rxTriggerLevel = 1;
    private int lineErrors;           // LSR bits 1-4 latched until the LSR is read; only OE can occur here
    private boolean thrEmptyInterrupt; // the THRE interrupt latch: set as THR empties, cleared by IIR read or THR write
    private boolean irqAsserted;      // the level last driven onto irq

    public Uart16550(ConsoleSink sink, InterruptLine irq) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.irq = Objects.requireNonNull(irq, "irq");
    }

    // ---- BusDevice: guest accesses ---------------------------------------------------------

    /**
     * Reads {@code size} consecutive registers starting at {@code offset}, lowest first, as an
     * ISA bus splits a wide access to an 8-bit device. Offsets past the eighth register float high.
     */
    @Override
    public long read(long offset, int size) {
        int bytes = clampSize(size);
        long value = 0;
        synchronized (lock) {
            for (int i = 0; i < bytes; i++) {
                value |= (long) readRegister(offset + i) << (8 * i);
            }
            updateInterrupt();
        }
        return value;
    }

    /** Writes the low {@code size} bytes of {@code value} to consecutive registers, lowest first. */
    @Override
    public void write(long offset, int size, long value) {
        int bytes = clampSize(size);
        synchronized (lock) {
            for (int i = 0; i < bytes; i++) {
                writeRegister(offset + i, (int) (value >>> (8 * i)) & 0xFF);
            }
            updateInterrupt();
        }
    }

    // ---- host side -------------------------------------------------------------------------

    /**
     * Characters arriving on the serial line, oldest first. Returns how many entered the
     * receiver; the rest were lost, either to overrun (LSR OE set, as on hardware) or because
     * loopback disconnects the line input. Callable from any thread.
     */
    public int receive(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        synchronized (lock) {
            if (loopback()) return 0;
            int stored = 0;
            for (int i = 0; i < length; i++) {
                if (receiveCharacter(data[offset + i])) stored++;
            }
            updateInterrupt();
            if (stored < length && log.isDebugEnabled()) {
                log.debug("receive overrun: {} of {} bytes lost", length - stored, length);
            }
            return stored;
        }
    }

    /** {@link #receive(byte[], int, int)} for a whole array. */
    public int receive(byte[] data) { return receive(data, 0, data.length); }

    /** One character (the low 8 bits of {@code b}); returns whether it entered the receiver. */
    public boolean receive(int b) {
        synchronized (lock) {
            if (loopback()) return false;
            boolean stored = receiveCharacter(b);
            updateInterrupt();
            return stored;
        }
    }

    /**
     * How many characters the receiver can take now without overrun: the free FIFO slots,
     * the one holding register in 16450 mode, or 0 in loopback. Hosts feeding interactive
     * input should send at most this many and retry later.
     */
    public int receiveCapacity() {
        synchronized (lock) {
            return loopback() ? 0 : rx.space();
        }
    }

    /** Master reset (the MR pin): registers to their datasheet reset values, FIFOs empty, IRQ low. */
    public void reset() {
        synchronized (lock) {
            ier = 0;
            lcr = 0;
            mcr = 0;
            fifoEnabled = false;
            rxTriggerLevel = 1;
            rx.setFifoMode(false);
            lineErrors = 0;
            thrEmptyInterrupt = false;
            modem.reset(HOST_MODEM_LINES);
            // SCR and the divisor latch are not affected by reset.
            updateInterrupt();
        }
    }

    // ---- register file ---------------------------------------------------------------------

    private int readRegister(long offset) {
        if (offset < 0 || offset >= PORT_COUNT) {
            logIgnored("read", offset, 0);
            return 0xFF;
        }
        return switch ((int) offset) {
            case RBR_THR_DLL -> dlab() ? divisor & 0xFF : rx.pop();
            case IER_DLM -> dlab() ? divisor >>> 8 : ier;
            case IIR_FCR -> readIir();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> readLsr();
            case MSR -> modem.read();
            case SCR -> scr;
            default -> throw new AssertionError(offset);
        };
    }

    private void writeRegister(long offset, int value) {
        if (offset < 0 || offset >= PORT_COUNT) {
            logIgnored("write", offset, value);
            return;
        }
        switch ((int) offset) {
            case RBR_THR_DLL -> {
                if (dlab()) divisor = (divisor & 0xFF00) | value;
                else transmit(value);
            }
            case IER_DLM -> {
                if (dlab()) divisor = (divisor & 0x00FF) | (value << 8);
                else writeIer(value);
            }
            case IIR_FCR -> writeFcr(value);
            case LCR -> lcr = value;
            case MCR -> writeMcr(value);
            // The LSR and MSR are status registers; the datasheet reserves LSR writes for factory test.
            case LSR, MSR -> logIgnored("write", offset, value);
            case SCR -> scr = value;
            default -> throw new AssertionError(offset);
        }
    }

    private void transmit(int value) {
        if (loopback()) {
            receiveCharacter(value);
        } else {
            sink.write((byte) value);
        }
        // Writing THR clears a pending THRE interrupt; the transmission then completes at once,
        // leaving THR empty again, which raises a fresh THRE interrupt if it is enabled.
        thrEmptyInterrupt = (ier & IER_ETBEI) != 0;
    }

    private void writeIer(int value) {
        boolean wasEnabled = (ier & IER_ETBEI) != 0;
        ier = value & IER_MASK;
        boolean enabled = (ier & IER_ETBEI) != 0;
        // Enabling ETBEI while THR is empty (always, here) raises THRE at once; drivers start
        // interrupt-driven transmission by doing exactly this.
        if (enabled && !wasEnabled) thrEmptyInterrupt = true;
        if (!enabled) thrEmptyInterrupt = false;
    }

    private void writeFcr(int value) {
        boolean enable = (value & FCR_ENABLE) != 0;
        if (enable != fifoEnabled) {
            fifoEnabled = enable;
            rx.setFifoMode(enable); // switching modes clears the FIFOs
        }
        // The other bits are only programmed when bit 0 is written as 1.
        if (!enable) return;
        if ((value & FCR_RX_RESET) != 0) rx.clear();
        // FCR_TX_RESET: the transmit FIFO never holds anything, bytes leave as they are written.
        // FCR_DMA_MODE only changes the RXRDY/TXRDY pins, which no PC wires up.
        rxTriggerLevel = RX_TRIGGER_LEVELS[(value >>> FCR_TRIGGER_SHIFT) & 0x3];
    }

    private void writeMcr(int value) {
        mcr = value & MCR_MASK;
        modem.drive(loopback() ? loopbackModemLines(mcr) : HOST_MODEM_LINES);
    }

    /** In loopback the modem outputs feed the inputs: RTS to CTS, DTR to DSR, OUT1 to RI, OUT2 to DCD. */
    private static int loopbackModemLines(int mcr) {
        int lines = 0;
        if ((mcr & MCR_RTS) != 0) lines |= MSR_CTS;
        if ((mcr & MCR_DTR) != 0) lines |= MSR_DSR;
        if ((mcr & MCR_OUT1) != 0) lines |= MSR_RI;
        if ((mcr & MCR_OUT2) != 0) lines |= MSR_DCD;
        return lines;
    }

    private int readIir() {
        int id = pendingInterrupt();
        // Reading the IIR acknowledges THRE, and only when THRE is what it reports.
        if (id == IIR_THR_EMPTY) thrEmptyInterrupt = false;
        return id | (fifoEnabled ? IIR_FIFOS_ENABLED : 0);
    }

    private int readLsr() {
        int value = (rx.isEmpty() ? 0 : LSR_DR) | lineErrors | LSR_THRE | LSR_TEMT;
        lineErrors = 0; // error bits clear on read; LSR bit 7 never sets as no errors enter the FIFO
        return value;
    }

    /** The highest-priority pending, enabled interrupt, as the IIR would report it. */
    private int pendingInterrupt() {
        if ((ier & IER_ELSI) != 0 && lineErrors != 0) return IIR_LINE_STATUS;
        if ((ier & IER_ERBFI) != 0 && !rx.isEmpty()) {
            if (!fifoEnabled || rx.count() >= rxTriggerLevel) return IIR_RX_DATA;
            // Below the trigger level the FIFO timeout reports the data; with no baud clock
            // its four character times have always passed by the time the guest looks.
            return IIR_CHAR_TIMEOUT;
        }
        if ((ier & IER_ETBEI) != 0 && thrEmptyInterrupt) return IIR_THR_EMPTY;
        if ((ier & IER_EDSSI) != 0 && modem.hasDelta()) return IIR_MODEM_STATUS;
        return IIR_NONE;
    }

    private void updateInterrupt() {
        boolean level = pendingInterrupt() != IIR_NONE && (mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
        if (level != irqAsserted) {
            irqAsserted = level;
            irq.set(level);
        }
    }

    private boolean receiveCharacter(int ch) {
        if (rx.push(ch & 0xFF)) return true;
        lineErrors |= LSR_OE;
        return false;
    }

    private boolean dlab() { return (lcr & LCR_DLAB) != 0; }

    private boolean loopback() { return (mcr & MCR_LOOP) != 0; }

    private static int clampSize(int size) { return Math.clamp(size, 0, 8); }

    private static void logIgnored(String what, long offset, int value) {
        if (log.isDebugEnabled()) log.debug("ignored {} at offset {} (value {})", what, offset, value);
    }
}
