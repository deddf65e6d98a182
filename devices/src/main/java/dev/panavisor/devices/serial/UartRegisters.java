package dev.panavisor.devices.serial;

/**
 * Register offsets and bit assignments of the 16550A (PC16550D datasheet, register summary
 * table). Package-private: guests see the bits, Java callers see {@link Uart16550}'s methods.
 */
final class UartRegisters {
    private UartRegisters() { }

    // Offsets from the base port. DLAB (LCR bit 7) swaps offsets 0 and 1 for the divisor latch.
    static final int RBR_THR_DLL = 0;
    static final int IER_DLM = 1;
    static final int IIR_FCR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;
    static final int COUNT = 8;

    // Interrupt Enable Register; bits 4-7 are always zero.
    static final int IER_ERBFI = 0x01; // received data available (and FIFO timeout)
    static final int IER_ETBEI = 0x02; // transmitter holding register empty
    static final int IER_ELSI = 0x04;  // receiver line status
    static final int IER_EDSSI = 0x08; // modem status
    static final int IER_MASK = 0x0F;

    // Interrupt Identification Register: bit 0 clear means "interrupt pending"; bits 1-3 say which.
    static final int IIR_NONE = 0x01;
    static final int IIR_LINE_STATUS = 0x06;   // priority 1 (highest)
    static final int IIR_RX_DATA = 0x04;       // priority 2
    static final int IIR_CHAR_TIMEOUT = 0x0C;  // priority 2, FIFO mode only
    static final int IIR_THR_EMPTY = 0x02;     // priority 3
    static final int IIR_MODEM_STATUS = 0x00;  // priority 4
    static final int IIR_FIFOS_ENABLED = 0xC0; // bits 6-7 mirror FCR bit 0

    // FIFO Control Register (write-only; shares offset 2 with the IIR).
    static final int FCR_ENABLE = 0x01;
    static final int FCR_RX_RESET = 0x02;
    static final int FCR_TX_RESET = 0x04;
    static final int FCR_DMA_MODE = 0x08;
    static final int FCR_TRIGGER_SHIFT = 6;

    // Line Control Register.
    static final int LCR_WORD_LENGTH = 0x03; // 0..3 = 5..8 data bits; stored, not applied (see Uart16550)
    static final int LCR_DLAB = 0x80;

    // Modem Control Register; bits 5-7 are always zero.
    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08; // on PCs, enables the UART's interrupt driver
    static final int MCR_LOOP = 0x10;
    static final int MCR_MASK = 0x1F;

    // Line Status Register.
    static final int LSR_DR = 0x01;
    static final int LSR_OE = 0x02;
    static final int LSR_PE = 0x04;
    static final int LSR_FE = 0x08;
    static final int LSR_BI = 0x10;
    static final int LSR_THRE = 0x20;
    static final int LSR_TEMT = 0x40;
    static final int LSR_RX_FIFO_ERROR = 0x80;

    // Modem Status Register: deltas in bits 0-3, line states in bits 4-7.
    static final int MSR_DCTS = 0x01;
    static final int MSR_DDSR = 0x02;
    static final int MSR_TERI = 0x04;
    static final int MSR_DDCD = 0x08;
    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;
}
