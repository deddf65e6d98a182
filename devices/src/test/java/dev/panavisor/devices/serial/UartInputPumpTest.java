package dev.panavisor.devices.serial;

import dev.panavisor.devices.console.ConsoleSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host input reaches the guest through the receive FIFO without overrun, however much arrives at once. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UartInputPumpTest {
    @Test
    void aLongInputArrivesWholeWhileTheGuestReadsSlowly() throws Exception {
        byte[] input = new byte[1000];
        for (int i = 0; i < input.length; i++) input[i] = (byte) ('a' + i % 26);
        RecordingInterruptLine irq = new RecordingInterruptLine();
        Uart16550 uart = new Uart16550(ConsoleSink.NONE, irq);
        uart.write(UartRegisters.IIR_FCR, 1, UartRegisters.FCR_ENABLE); // 16-byte FIFO
        uart.write(UartRegisters.MCR, 1, UartRegisters.MCR_OUT2);
        uart.write(UartRegisters.IER_DLM, 1, UartRegisters.IER_ERBFI);
        Thread pump = new UartInputPump(new ByteArrayInputStream(input), uart).start("test-pump");

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int overruns = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (got.size() < input.length && System.nanoTime() < deadline) {
            long lsr = uart.read(UartRegisters.LSR, 1); // reading LSR clears OE, so every read is checked
            if ((lsr & UartRegisters.LSR_OE) != 0) overruns++;
            if ((lsr & UartRegisters.LSR_DR) != 0) {
                got.write((int) uart.read(UartRegisters.RBR_THR_DLL, 1));
            } else {
                Thread.sleep(0, 200_000); // a guest that is busy elsewhere
            }
        }
        pump.join(5000);
        assertEquals(new String(input), got.toString());
        assertEquals(0, overruns + (uart.read(UartRegisters.LSR, 1) & UartRegisters.LSR_OE), "no overrun");
        assertTrue(irq.calls() > 0, "the receiver raised its interrupt");
    }
}
