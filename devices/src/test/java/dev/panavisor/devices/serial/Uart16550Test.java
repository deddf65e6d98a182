package dev.panavisor.devices.serial;

import static dev.panavisor.devices.serial.UartRegisters.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panavisor.devices.console.RecordingConsoleSink;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Register-by-register checks against the National/TI PC16550D datasheet ("PC16550D Universal
 * Asynchronous Receiver/Transmitter with FIFOs"); each test names the section or table whose
 * rule it checks. Values are written as a guest driver would see them on the I/O ports.
 */
class Uart16550Test {
    private final RecordingConsoleSink sink = new RecordingConsoleSink();
    private final RecordingInterruptLine irq = new RecordingInterruptLine();
    private final Uart16550 uart = new Uart16550(sink, irq);

    private int in(int register) { return (int) uart.read(register, 1); }

    private void out(int register, int value) { uart.write(register, 1, value); }

    private void enableFifo(int fcr) { out(IIR_FCR, fcr | FCR_ENABLE); }

    @Nested
    class Reset {
        // Datasheet, "UART Reset Configuration" table: IER 0; IIR bit 0 high, others low; FCR, LCR,
        // MCR 0; LSR all low but bits 5 and 6; MSR bits 0-3 low, bits 4-7 follow the inputs.
        @Test
        void registersStartAtTheirResetValues() {
            assertEquals(0x00, in(IER_DLM));
            assertEquals(IIR_NONE, in(IIR_FCR), "no interrupt pending, FIFOs off");
            assertEquals(0x00, in(LCR));
            assertEquals(0x00, in(MCR));
            assertEquals(LSR_THRE | LSR_TEMT, in(LSR));
            assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, in(MSR), "a ready terminal, no deltas");
            assertFalse(irq.asserted());
        }

        @Test
        void masterResetRestoresThemButKeepsScratchAndDivisor() {
            out(LCR, LCR_DLAB);
            out(RBR_THR_DLL, 0x01);
            out(LCR, 0x03);
            out(IER_DLM, 0x0F);
            enableFifo(0xC0);
            out(MCR, MCR_OUT2 | MCR_DTR);
            out(SCR, 0x5A);
            uart.receive('x');
            assertTrue(irq.asserted());

            uart.reset();

            assertEquals(0x00, in(IER_DLM));
            assertEquals(IIR_NONE, in(IIR_FCR));
            assertEquals(0x00, in(LCR));
            assertEquals(0x00, in(MCR));
            assertEquals(LSR_THRE | LSR_TEMT, in(LSR), "receiver emptied");
            assertFalse(irq.asserted());
            assertEquals(0x5A, in(SCR), "the reset table does not list the scratch register");
            out(LCR, LCR_DLAB);
            assertEquals(0x01, in(RBR_THR_DLL), "nor the divisor latch");
        }
    }

    @Nested
    class DivisorLatch {
        // Datasheet, "Line Control Register", bit 7 (DLAB): set, offsets 0 and 1 reach the divisor
        // latch instead of the RBR/THR and IER.
        @Test
        void dlabSwapsOffsetsZeroAndOneForTheDivisor() {
            out(IER_DLM, 0x05);
            out(LCR, LCR_DLAB | 0x03);
            out(RBR_THR_DLL, 0x01);
            out(IER_DLM, 0x00);
            assertEquals(0x01, in(RBR_THR_DLL));
            assertEquals(0x00, in(IER_DLM));
            out(LCR, 0x03);
            assertEquals(0x05, in(IER_DLM), "IER untouched by the DLM write");
            assertEquals(0, sink.bytes().length, "the DLL write did not transmit");
        }

        @Test
        void readingTheDivisorDoesNotConsumeReceivedData() {
            uart.receive('q');
            out(LCR, LCR_DLAB);
            in(RBR_THR_DLL);
            out(LCR, 0x03);
            assertEquals(LSR_DR, in(LSR) & LSR_DR);
            assertEquals('q', in(RBR_THR_DLL));
        }

        @Test
        void aWideAccessReadsBothDivisorBytes() {
            out(LCR, LCR_DLAB);
            uart.write(RBR_THR_DLL, 2, 0x0180);
            assertEquals(0x0180, uart.read(RBR_THR_DLL, 2));
        }
    }

    @Nested
    class Transmitter {
        @Test
        void thrWritesReachTheSinkInOrder() {
            for (char c : "hi\n".toCharArray()) out(RBR_THR_DLL, c);
            assertEquals("hi\n", sink.text());
        }

        // Deliberate deviation from "Line Control Register" bits 0-1 (5 to 8 bits per character):
        // the reset value selects 5 bits, and guests without firmware often never change it.
        @Test
        void allEightBitsAreSentWhateverTheWordLength() {
            out(RBR_THR_DLL, 0xFF); // LCR at reset: 5 data bits
            out(LCR, 0x02);         // 7 data bits
            out(RBR_THR_DLL, 0xC1);
            assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xC1}, sink.bytes());
        }

        // Datasheet, "Line Status Register", bits 5 (THRE) and 6 (TEMT): set when the holding and
        // shift registers are empty. Transmission here completes during the write.
        @Test
        void holdingAndShiftRegistersReadEmptyAfterAWrite() {
            out(RBR_THR_DLL, 'a');
            assertEquals(LSR_THRE | LSR_TEMT, in(LSR) & (LSR_THRE | LSR_TEMT));
        }

        @Test
        void theSinkIsNeverFlushedByTheDevice() {
            out(RBR_THR_DLL, '\n');
            assertEquals(0, sink.flushes());
        }
    }

    @Nested
    class Receiver16450Mode {
        // Datasheet, "Line Status Register", bit 0 (DR): set when a character is in the RBR,
        // reset by reading it.
        @Test
        void dataReadyFollowsTheHoldingRegister() {
            assertTrue(uart.receive('k'));
            assertEquals(LSR_DR, in(LSR) & LSR_DR);
            assertEquals('k', in(RBR_THR_DLL));
            assertEquals(0, in(LSR) & LSR_DR);
        }

        // Datasheet, "Line Status Register", bit 1 (OE): the next character destroys an unread one;
        // bits 1-4 reset when the LSR is read.
        @Test
        void anUnreadCharacterIsOverwrittenAndOverrunFlagged() {
            assertEquals(1, uart.receive(new byte[] {'a', 'b'}));
            int lsr = in(LSR);
            assertEquals(LSR_OE | LSR_DR, lsr & (LSR_OE | LSR_DR));
            assertEquals(0, in(LSR) & LSR_OE, "OE clears on read");
            assertEquals('b', in(RBR_THR_DLL), "the newer character wins");
        }

        @Test
        void capacityIsTheOneHoldingRegister() {
            assertEquals(1, uart.receiveCapacity());
            uart.receive('a');
            assertEquals(0, uart.receiveCapacity());
        }

        @Test
        void receivedCharactersKeepAllEightBits() {
            out(LCR, 0x02); // 7 data bits: stored, not applied, as for the transmitter
            uart.receive(0xC1);
            assertEquals(0xC1, in(RBR_THR_DLL));
        }

        @Test
        void readingAnEmptyReceiverReturnsTheLastCharacterAgain() {
            uart.receive('z');
            in(RBR_THR_DLL);
            assertEquals('z', in(RBR_THR_DLL));
            assertEquals(0, in(LSR) & LSR_DR);
        }
    }

    @Nested
    class FifoMode {
        // Datasheet, "FIFO Control Register", bit 0, and "Interrupt Identification Register",
        // bits 6-7: set when FCR bit 0 is 1.
        @Test
        void enablingTheFifosShowsInTheIir() {
            enableFifo(0);
            assertEquals(IIR_FIFOS_ENABLED | IIR_NONE, in(IIR_FCR));
            out(IIR_FCR, 0);
            assertEquals(IIR_NONE, in(IIR_FCR));
        }

        @Test
        void sixteenCharactersFitAndTheSeventeenthIsLost() {
            enableFifo(0);
            byte[] data = new byte[17];
            for (int i = 0; i < data.length; i++) data[i] = (byte) ('A' + i);
            assertEquals(16, uart.receive(data));
            assertEquals(LSR_OE, in(LSR) & LSR_OE);
            // Datasheet, LSR bit 1: in FIFO mode the character in the shift register is overwritten
            // and not transferred; the FIFO keeps what it had.
            for (int i = 0; i < 16; i++) assertEquals('A' + i, in(RBR_THR_DLL));
            assertEquals(0, in(LSR) & LSR_DR, "the seventeenth never arrived");
        }

        @Test
        void capacityCountsFreeSlots() {
            enableFifo(0);
            uart.receive(new byte[5]);
            assertEquals(11, uart.receiveCapacity());
        }

        // Datasheet, FCR bit 1: clears the receive FIFO; the 1 written is self-clearing.
        @Test
        void receiverResetEmptiesTheFifoOnce() {
            enableFifo(0);
            uart.receive(new byte[] {1, 2, 3});
            enableFifo(FCR_RX_RESET);
            assertEquals(0, in(LSR) & LSR_DR);
            uart.receive(4);
            enableFifo(0);
            assertEquals(4, in(RBR_THR_DLL), "a later FCR write without bit 1 leaves data alone");
        }

        // Datasheet, FCR bit 0: changing between FIFO and 16450 mode clears the FIFOs.
        @Test
        void switchingModesDropsReceivedData() {
            enableFifo(0);
            uart.receive('a');
            out(IIR_FCR, 0);
            assertEquals(0, in(LSR) & LSR_DR);
            uart.receive('b');
            enableFifo(0);
            assertEquals(0, in(LSR) & LSR_DR);
        }

        @Test
        void rewritingFcrWithTheFifosAlreadyOnKeepsData() {
            enableFifo(0);
            uart.receive('a');
            enableFifo(0xC0);
            assertEquals('a', in(RBR_THR_DLL));
        }

        // Datasheet, FCR bit 0: it "must be a 1 when other FCR bits are written to or they will not
        // be programmed" - so a receiver reset with bit 0 clear does nothing in 16450 mode.
        @Test
        void otherBitsAreIgnoredWithoutTheEnableBit() {
            uart.receive('a');
            out(IIR_FCR, FCR_RX_RESET);
            assertEquals('a', in(RBR_THR_DLL));
        }

        // Datasheet, FCR bits 6-7 (trigger level 1, 4, 8, 14) and "FIFO Interrupt Mode Operation":
        // the data-available interrupt starts at the trigger level and stops below it; under it,
        // data is reported by the character timeout indication.
        @ParameterizedTest(name = "FCR {0} -> trigger {1}")
        @CsvSource({"0x00, 1", "0x40, 4", "0x80, 8", "0xC0, 14"})
        void dataAvailableFollowsTheTriggerLevel(String fcr, int trigger) {
            enableFifo(Integer.decode(fcr));
            out(IER_DLM, IER_ERBFI);
            if (trigger > 1) {
                uart.receive(new byte[trigger - 1]);
                assertEquals(IIR_FIFOS_ENABLED | IIR_CHAR_TIMEOUT, in(IIR_FCR), "below trigger");
            }
            uart.receive(0);
            assertEquals(IIR_FIFOS_ENABLED | IIR_RX_DATA, in(IIR_FCR), "at trigger");
            in(RBR_THR_DLL);
            int expected = trigger > 1 ? IIR_CHAR_TIMEOUT : IIR_NONE;
            assertEquals(IIR_FIFOS_ENABLED | expected, in(IIR_FCR), "back below trigger");
        }

        // Datasheet, "FIFO Interrupt Mode Operation": the timeout indication is reset by reading the
        // RBR; it cannot outlast the data.
        @Test
        void characterTimeoutEndsWhenTheFifoDrains() {
            enableFifo(0x40);
            out(IER_DLM, IER_ERBFI);
            uart.receive(new byte[] {'x', 'y'});
            assertEquals(IIR_FIFOS_ENABLED | IIR_CHAR_TIMEOUT, in(IIR_FCR));
            in(RBR_THR_DLL);
            in(RBR_THR_DLL);
            assertEquals(IIR_FIFOS_ENABLED | IIR_NONE, in(IIR_FCR));
        }
    }

    @Nested
    class InterruptIdentification {
        // Datasheet, "Interrupt Enable Register": bits 4-7 are always logic 0.
        @Test
        void ierKeepsOnlyItsFourEnableBits() {
            out(IER_DLM, 0xFF);
            assertEquals(0x0F, in(IER_DLM));
        }

        // Datasheet, "Interrupt Control Functions" table: receiver line status (priority 1), received
        // data available or character timeout (2), THR empty (3), modem status (4); each is cleared
        // by its own action, uncovering the next.
        @Test
        void sourcesAreReportedInPriorityOrder() {
            out(MCR, MCR_LOOP);             // modem inputs now follow MCR outputs: CTS, DSR, DCD drop
            out(MCR, 0);                    // and come back: deltas latched either way
            uart.receive(new byte[] {1, 2}); // overrun in 16450 mode, data available
            out(IER_DLM, IER_MASK);         // enables everything; ETBEI's rising edge latches THRE

            assertEquals(IIR_LINE_STATUS, in(IIR_FCR));
            in(LSR);
            assertEquals(IIR_RX_DATA, in(IIR_FCR));
            in(RBR_THR_DLL);
            assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
            assertEquals(IIR_MODEM_STATUS, in(IIR_FCR), "reading the IIR acknowledged THRE");
            in(MSR);
            assertEquals(IIR_NONE, in(IIR_FCR));
        }

        @Test
        void disabledSourcesAreNotReported() {
            uart.receive(new byte[] {1, 2});
            out(MCR, MCR_LOOP);
            out(MCR, 0);
            assertEquals(IIR_NONE, in(IIR_FCR));
            out(IER_DLM, IER_EDSSI);
            assertEquals(IIR_MODEM_STATUS, in(IIR_FCR));
        }

        // Datasheet, "Interrupt Control Functions" table, line status: "reset by reading the LSR".
        @Test
        void lineStatusInterruptIsResetByReadingTheLsr() {
            out(IER_DLM, IER_ELSI);
            uart.receive(new byte[] {1, 2});
            assertEquals(IIR_LINE_STATUS, in(IIR_FCR));
            assertEquals(IIR_LINE_STATUS, in(IIR_FCR), "reading the IIR does not reset it");
            in(LSR);
            assertEquals(IIR_NONE, in(IIR_FCR));
        }

        // Same table, received data available: reset by reading the RBR.
        @Test
        void dataAvailableInterruptIsResetByReadingTheRbr() {
            out(IER_DLM, IER_ERBFI);
            uart.receive('r');
            assertEquals(IIR_RX_DATA, in(IIR_FCR));
            in(RBR_THR_DLL);
            assertEquals(IIR_NONE, in(IIR_FCR));
        }
    }

    @Nested
    class ThrEmptyInterrupt {
        // Datasheet, "Interrupt Control Functions" table, THRE: set by "Transmitter Holding Register
        // Empty", reset by "Reading the IIR Register (if source of interrupt) or Writing into the
        // Transmitter Holding Register".
        @Test
        void enablingEtbeiWithAnEmptyThrRaisesIt() {
            out(IER_DLM, IER_ETBEI);
            assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
        }

        @Test
        void readingTheIirClearsItWhenItIsTheSource() {
            out(IER_DLM, IER_ETBEI);
            in(IIR_FCR);
            assertEquals(IIR_NONE, in(IIR_FCR));
        }

        @Test
        void readingTheIirWhileAHigherSourceIsReportedKeepsIt() {
            out(IER_DLM, IER_ETBEI | IER_ERBFI);
            uart.receive('d');
            assertEquals(IIR_RX_DATA, in(IIR_FCR));
            in(RBR_THR_DLL);
            assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
        }

        @Test
        void eachTransmittedCharacterEmptiesTheThrAgain() {
            out(IER_DLM, IER_ETBEI);
            in(IIR_FCR);
            out(RBR_THR_DLL, 'a');
            assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
        }

        @Test
        void reEnablingEtbeiRaisesItAgain() {
            out(IER_DLM, IER_ETBEI);
            in(IIR_FCR);
            out(IER_DLM, 0);
            out(IER_DLM, IER_ETBEI);
            assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
        }

        @Test
        void rewritingIerWithEtbeiAlreadySetDoesNot() {
            out(IER_DLM, IER_ETBEI);
            in(IIR_FCR);
            out(IER_DLM, IER_ETBEI | IER_ERBFI);
            assertEquals(IIR_NONE, in(IIR_FCR));
        }

        @Test
        void transmittingWithEtbeiOffLatchesNothing() {
            out(RBR_THR_DLL, 'a');
            out(IER_DLM, IER_ELSI);
            assertEquals(IIR_NONE, in(IIR_FCR));
        }
    }

    @Nested
    class InterruptLineOutput {
        // On PC boards MCR OUT2 enables the UART's IRQ driver; the datasheet's loopback description
        // forces the OUT2 pin inactive, so loopback also silences the IRQ.
        @Test
        void out2GatesThePendingInterruptOntoTheLine() {
            out(IER_DLM, IER_ETBEI);
            assertFalse(irq.asserted(), "pending, but OUT2 is off");
            out(MCR, MCR_OUT2);
            assertTrue(irq.asserted());
            out(MCR, 0);
            assertFalse(irq.asserted());
        }

        @Test
        void loopbackKeepsTheLineLow() {
            out(MCR, MCR_OUT2 | MCR_LOOP);
            out(IER_DLM, IER_ETBEI);
            assertEquals(IIR_THR_EMPTY, in(IIR_FCR), "the interrupt itself still works");
            assertFalse(irq.asserted());
        }

        @Test
        void theLineFollowsTheIirAndIsDrivenOnlyOnChanges() {
            out(MCR, MCR_OUT2);
            out(IER_DLM, IER_ERBFI);
            assertEquals(0, irq.calls());
            uart.receive('a');
            assertTrue(irq.asserted());
            in(LSR);
            in(IIR_FCR);
            assertEquals(1, irq.calls(), "accesses that leave the level alone do not drive it");
            in(RBR_THR_DLL);
            assertFalse(irq.asserted());
            assertEquals(2, irq.calls());
        }

        @Test
        void hostInputRaisesTheLineFromTheHostThread() throws InterruptedException {
            out(MCR, MCR_OUT2);
            out(IER_DLM, IER_ERBFI);
            Thread host = Thread.ofPlatform().start(() -> uart.receive('!'));
            host.join();
            assertTrue(irq.asserted());
        }
    }

    @Nested
    class ModemControlAndLoopback {
        // Datasheet, "Modem Control Register": bits 5-7 are permanently 0.
        @Test
        void mcrKeepsOnlyItsFiveBits() {
            out(MCR, 0xFF);
            assertEquals(0x1F, in(MCR));
        }

        // Datasheet, MCR bit 4: the transmitter output is looped back into the receiver, and the
        // serial input is disconnected.
        @Test
        void loopbackReturnsTransmittedBytesToTheReceiverOnly() {
            out(MCR, MCR_LOOP);
            out(RBR_THR_DLL, 'L');
            assertEquals(0, sink.bytes().length);
            assertEquals('L', in(RBR_THR_DLL));
        }

        @Test
        void loopbackDisconnectsHostInput() {
            out(MCR, MCR_LOOP);
            assertEquals(0, uart.receiveCapacity());
            assertEquals(0, uart.receive(new byte[] {'x'}));
            assertEquals(0, in(LSR) & (LSR_DR | LSR_OE), "lost without an overrun");
        }

        @Test
        void loopedBackCharactersOverrunLikeAnyOther() {
            out(MCR, MCR_LOOP);
            out(RBR_THR_DLL, 'a');
            out(RBR_THR_DLL, 'b');
            assertEquals(LSR_OE, in(LSR) & LSR_OE);
        }

        // Datasheet, MCR bit 4 and "Modem Status Register" bits 4-7: in loopback CTS, DSR, RI and DCD
        // read back RTS, DTR, OUT1 and OUT2.
        @ParameterizedTest(name = "MCR {0} -> MSR {1}")
        @CsvSource({"0x02, 0x10", "0x01, 0x20", "0x04, 0x40", "0x08, 0x80", "0x0F, 0xF0", "0x00, 0x00"})
        void loopbackFeedsModemOutputsToInputs(String outputs, String inputs) {
            out(MCR, MCR_LOOP | Integer.decode(outputs));
            assertEquals(Integer.decode(inputs).intValue(), in(MSR) & 0xF0);
        }
    }

    @Nested
    class ModemStatusRegister {
        // Datasheet, "Modem Status Register": bits 0, 1, 3 flag changes of CTS, DSR, DCD since the
        // last read; reading the MSR resets them.
        @Test
        void deltasLatchUntilRead() {
            out(MCR, MCR_LOOP | MCR_RTS | MCR_OUT2); // CTS and DCD stay on, DSR drops
            assertEquals(MSR_CTS | MSR_DCD | MSR_DDSR, in(MSR));
            assertEquals(MSR_CTS | MSR_DCD, in(MSR));
        }

        // Datasheet, MSR bit 2 (TERI): set when RI changes from on to off, not the other way.
        @Test
        void ringFlagsOnlyItsTrailingEdge() {
            out(MCR, MCR_LOOP);
            in(MSR);
            out(MCR, MCR_LOOP | MCR_OUT1);
            assertEquals(0, in(MSR) & MSR_TERI, "leading edge");
            out(MCR, MCR_LOOP);
            assertEquals(MSR_TERI, in(MSR) & MSR_TERI, "trailing edge");
        }

        @Test
        void leavingLoopbackReconnectsTheTerminal() {
            out(MCR, MCR_LOOP);
            in(MSR);
            out(MCR, 0);
            assertEquals(MSR_CTS | MSR_DSR | MSR_DCD | MSR_DCTS | MSR_DDSR | MSR_DDCD, in(MSR));
        }

        @Test
        void writesToTheStatusRegistersAreIgnored() {
            out(MSR, 0x0F);
            out(LSR, 0xFF);
            assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, in(MSR));
            assertEquals(LSR_THRE | LSR_TEMT, in(LSR));
        }
    }

    @Nested
    class OtherRegisters {
        // Datasheet, "Scratchpad Register": holds a byte for the programmer, no effect on the UART.
        @Test
        void scratchHoldsAnyByte() {
            out(SCR, 0xA5);
            assertEquals(0xA5, in(SCR));
        }

        @Test
        void lcrReadsBackWhatWasWritten() {
            out(LCR, 0x5B);
            assertEquals(0x5B, in(LCR));
        }

        @Test
        void accessesBeyondTheEightRegistersFloatHigh() {
            assertEquals(0xFF, uart.read(8, 1));
            uart.write(8, 1, 0x00);
            uart.write(-1, 1, 0x00);
            out(SCR, 0x12);
            assertEquals(0xFF12, uart.read(SCR, 2), "the byte past offset 7 reads 0xff");
        }

        @Test
        void wideWritesReachConsecutiveRegisters() {
            uart.write(MCR, 4, 0x5500_0003L); // MCR, then LSR and MSR (ignored), then SCR
            assertEquals(0x03, in(MCR));
            assertEquals(0x55, in(SCR));
        }
    }
}
