package dev.panavisor.devices.serial;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Feeds a host input stream (the launcher's stdin) into a UART's receiver on its own thread.
 * A real line would overrun when the guest reads slowly; a person pasting into a terminal
 * should not lose characters, so the pump sends only what the receive FIFO can take and waits
 * for room. Ends at end of input or when its thread is interrupted.
 */
public final class UartInputPump implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(UartInputPump.class);
    /** How long to wait before looking for FIFO room again: about one character time at 9600 baud. */
    static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final InputStream in;
    private final Uart16550 uart;

    public UartInputPump(InputStream in, Uart16550 uart) {
        this.in = Objects.requireNonNull(in);
        this.uart = Objects.requireNonNull(uart);
    }

    /** Starts the pump on a daemon thread, so a blocked read of stdin never keeps the process alive. */
    public Thread start(String name) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
        t.start();
        return t;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[256];
        try {
            while (!Thread.currentThread().isInterrupted()) {
                int n = in.read(buffer);
                if (n < 0) return;
                int sent = 0;
                while (sent < n) {
                    int room = uart.receiveCapacity();
                    if (room == 0) {
                        LockSupport.parkNanos(this, RETRY_NANOS);
                        if (Thread.currentThread().isInterrupted()) return;
                        continue;
                    }
                    int chunk = Math.min(room, n - sent);
                    uart.receive(buffer, sent, chunk);
                    sent += chunk;
                }
            }
        } catch (IOException e) {
            log.debug("serial input ended: {}", e.toString());
        }
    }
}
