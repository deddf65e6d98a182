package dev.panavisor.devices.rtc;

import dev.panavisor.vmm.bus.InterruptLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.InstantSource;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * IRQ 8 of the MC146818A (datasheet "Interrupts", "Register B", "Register C", "RESET"), on the
 * host's real clock: each case waits for an event that is due within about a second.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CmosRtcInterruptTest {
    final BlockingQueue<Boolean> line = new LinkedBlockingQueue<>();
    final InterruptLine irq8 = line::add;
    final CmosRtc rtc = new CmosRtc(InstantSource.system(), irq8);

    @AfterEach
    void close() { rtc.close(); }

    int read(int index) {
        rtc.write(0, 1, index);
        return (int) rtc.read(1, 1);
    }

    void write(int index, int value) {
        rtc.write(0, 1, index);
        rtc.write(1, 1, value);
    }

    @Test
    void periodicInterruptRaisesIrq8AndReadingCClearsIt() throws InterruptedException {
        write(CmosRtc.REG_A, 0x2F);                           // rate 15: 2 Hz
        write(CmosRtc.REG_B, CmosRtc.B_24H | CmosRtc.B_PIE);
        assertEquals(Boolean.TRUE, line.poll(2, TimeUnit.SECONDS), "IRQ 8 within one 500 ms period");
        int c = read(CmosRtc.REG_C);
        assertEquals(CmosRtc.C_IRQF | CmosRtc.C_PF, c & (CmosRtc.C_IRQF | CmosRtc.C_PF));
        assertEquals(Boolean.FALSE, line.poll(1, TimeUnit.SECONDS), "reading C deasserts the line");
        assertEquals(Boolean.TRUE, line.poll(2, TimeUnit.SECONDS), "and the next period raises it again");
    }

    @Test
    void updateEndedInterruptFiresOncePerSecond() throws InterruptedException {
        write(CmosRtc.REG_B, CmosRtc.B_24H | CmosRtc.B_UIE);
        assertEquals(Boolean.TRUE, line.poll(3, TimeUnit.SECONDS));
        assertEquals(CmosRtc.C_IRQF | CmosRtc.C_UF, read(CmosRtc.REG_C) & (CmosRtc.C_IRQF | CmosRtc.C_UF));
    }

    @Test
    void alarmWithDontCareBytesFiresEverySecond() throws InterruptedException {
        write(CmosRtc.SECONDS_ALARM, 0xC0);
        write(CmosRtc.MINUTES_ALARM, 0xC0);
        write(CmosRtc.HOURS_ALARM, 0xC0);
        write(CmosRtc.REG_B, CmosRtc.B_24H | CmosRtc.B_AIE);
        assertEquals(Boolean.TRUE, line.poll(3, TimeUnit.SECONDS));
        assertEquals(CmosRtc.C_IRQF | CmosRtc.C_AF, read(CmosRtc.REG_C) & (CmosRtc.C_IRQF | CmosRtc.C_AF));
    }

    @Test
    void flagsWithoutTheirEnableBitRaiseNothing() throws InterruptedException {
        write(CmosRtc.REG_A, 0x2F);
        write(CmosRtc.REG_B, CmosRtc.B_24H);
        assertNull(line.poll(1500, TimeUnit.MILLISECONDS));
        assertEquals(0, read(CmosRtc.REG_C) & CmosRtc.C_IRQF);
    }

    @Test
    void resetClearsTheEnablesFlagsAndLine() throws InterruptedException {
        write(CmosRtc.REG_A, 0x2F);
        write(CmosRtc.REG_B, CmosRtc.B_24H | CmosRtc.B_PIE | CmosRtc.B_UIE);
        assertEquals(Boolean.TRUE, line.poll(2, TimeUnit.SECONDS));
        rtc.reset();
        assertEquals(Boolean.FALSE, line.poll(1, TimeUnit.SECONDS));
        assertEquals(CmosRtc.B_24H, read(CmosRtc.REG_B));
        assertNull(line.poll(1500, TimeUnit.MILLISECONDS), "no interrupts after reset");
        assertEquals(0, read(CmosRtc.REG_C) & CmosRtc.C_IRQF);
    }
}
