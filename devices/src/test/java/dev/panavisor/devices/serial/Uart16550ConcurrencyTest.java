package dev.panavisor.devices.serial;

import static dev.panavisor.devices.serial.UartRegisters.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.vmm.bus.InterruptLine;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host feeds input on its own thread while a "vCPU" thread polls the LSR and drains the
 * RBR: every byte must arrive once and in order, and a host pacing by receiveCapacity() must
 * never cause an overrun.
 */
class Uart16550ConcurrencyTest {
    private static final int TOTAL = 20_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void pacedHostInputArrivesIntactWhileTheGuestPolls() throws InterruptedException {
        var uart = new Uart16550(ConsoleSink.NONE, InterruptLine.NONE);
        uart.write(IIR_FCR, 1, FCR_ENABLE | 0xC0);

        Thread host = Thread.ofPlatform().name("host-input").start(() -> {
            byte[] chunk = new byte[ReceiverFifo.DEPTH];
            int sent = 0;
            while (sent < TOTAL) {
                int n = Math.min(uart.receiveCapacity(), TOTAL - sent);
                if (n == 0) { Thread.yield(); continue; }
                for (int i = 0; i < n; i++) chunk[i] = (byte) (sent + i);
                sent += uart.receive(chunk, 0, n);
            }
        });

        int received = 0;
        int overruns = 0;
        while (received < TOTAL) {
            int lsr = (int) uart.read(LSR, 1);
            if ((lsr & LSR_OE) != 0) overruns++;
            if ((lsr & LSR_DR) == 0) { Thread.yield(); continue; }
            int b = (int) uart.read(RBR_THR_DLL, 1);
            assertEquals(received & 0xFF, b, "byte " + received);
            received++;
        }
        host.join();
        assertEquals(0, overruns);
    }
}
