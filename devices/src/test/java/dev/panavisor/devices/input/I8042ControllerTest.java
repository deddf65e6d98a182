package dev.panavisor.devices.input;

import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.bus.InterruptLine;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 8042 behaviour Linux relies on (drivers/input/serio/i8042.c, libps2.c, keyboard/atkbd.c):
 * self-test, command byte, interface tests, keyboard replies, and the reset pulse.
 */
class I8042ControllerTest {
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger irqs = new AtomicInteger();
    private final I8042Controller kbc = new I8042Controller(resets::incrementAndGet, new InterruptLine() {
        @Override public void set(boolean asserted) { if (asserted) irqs.incrementAndGet(); }
    });
    private final BusDevice data = kbc.dataPort();
    private final BusDevice command = kbc.commandPort();

    private int status() { return (int) command.read(0, 1); }
    private int read() { return (int) data.read(0, 1); }

    @Test
    void statusShowsAControllerThatIsPresentAndIdle() {
        // i8042_controller_check: a status of 0xFF means no controller.
        assertEquals(I8042Controller.STATUS_SYSTEM_FLAG, status());
    }

    @Test
    void selfTestAnswers55() {
        command.write(0, 1, 0xAA);
        assertEquals(1, status() & I8042Controller.STATUS_OUTPUT_FULL);
        assertEquals(0x55, read());
        assertEquals(0, status() & I8042Controller.STATUS_OUTPUT_FULL);
    }

    @Test
    void commandByteReadsBackWhatWasWritten() {
        command.write(0, 1, 0x60);
        data.write(0, 1, 0x47);
        command.write(0, 1, 0x20);
        assertEquals(0x47, read());
    }

    @Test
    void auxTestReportsNoMouseAndKeyboardTestPasses() {
        command.write(0, 1, 0xA9);
        assertEquals(0x01, read(), "non-zero, not FA/FF: i8042_check_aux gives up on AUX");
        command.write(0, 1, 0xAB);
        assertEquals(0x00, read());
    }

    @Test
    void keyboardAcknowledgesAndIdentifiesItselfWithAnInterrupt() {
        data.write(0, 1, 0xF2); // ATKBD_CMD_GETID
        assertEquals(1, irqs.get(), "IRQ 1 with the keyboard interrupt enabled in the command byte");
        assertEquals(0xFA, read());
        assertEquals(0xAB, read());
        assertEquals(0x83, read());
        assertEquals(3, irqs.get(), "one interrupt per byte");
        data.write(0, 1, 0xFF); // reset
        assertEquals(0xFA, read());
        assertEquals(0xAA, read(), "basic assurance test passed");
        data.write(0, 1, 0xED); // set LEDs
        assertEquals(0xFA, read());
    }

    @Test
    void keyboardInterruptDisabledInTheCommandByteRaisesNothing() {
        command.write(0, 1, 0x60);
        data.write(0, 1, 0x00);
        data.write(0, 1, 0xF4);
        assertEquals(0, irqs.get());
        assertEquals(0xFA, read());
    }

    @Test
    void commandFePulsesTheResetLine() {
        command.write(0, 1, 0xFE);
        assertEquals(1, resets.get());
        command.write(0, 1, 0xFF); // pulses no line
        assertEquals(1, resets.get());
    }

    @Test
    void writingTheOutputPortWithResetLowResets() {
        command.write(0, 1, 0xD0);
        assertEquals(0x03, read(), "reset line high, A20 on");
        command.write(0, 1, 0xD1);
        data.write(0, 1, 0x02);
        assertEquals(1, resets.get());
    }

    @Test
    void emptyBufferReadsTheLastByteAgainAndWideAccessesDoNotThrow() {
        command.write(0, 1, 0xAA);
        assertEquals(0x55, read());
        assertEquals(0x55, read());
        assertEquals(0xFF, data.read(1, 1));
        data.write(3, 4, 0xFFFFFFFFL);
        assertEquals(0, resets.get());
    }

    @Test
    void aPlatformResetEmptiesTheBufferAndRestoresThePowerOnCommandByte() {
        I8042Controller c = new I8042Controller(() -> { }, InterruptLine.NONE);
        c.writeCommand(0x60);
        c.writeData(0x00);            // interrupts off, translation off
        c.writeCommand(0xAA);         // 0x55 waiting
        c.writeCommand(0xD1);         // half-written output-port command
        c.reset();
        assertEquals(0, c.readStatus() & I8042Controller.STATUS_OUTPUT_FULL, "buffer empty");
        c.writeCommand(0x20);
        assertEquals(I8042Controller.CTR_KEYBOARD_INTERRUPT | I8042Controller.CTR_SYSTEM_FLAG
                | I8042Controller.CTR_AUX_DISABLED | I8042Controller.CTR_TRANSLATE, c.readData());
        c.writeData(0xF4);            // goes to the keyboard, not to the forgotten 0xD1
        assertEquals(0xFA, c.readData());
    }
}
