package dev.panavisor.devices.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ACPI 6.5 §4.8.3.6-§4.8.3.8: sleep control, sleep status and reset registers of a hardware-reduced platform. */
class AcpiSleepRegistersTest {
    private final List<String> requests = new ArrayList<>();
    private final AcpiSleepRegisters regs = new AcpiSleepRegisters(5, 0x0E, new PowerRequestHandler() {
        @Override public void requestPowerOff() { requests.add("off"); }
        @Override public void requestReset() { requests.add("reset"); }
    });

    @Test
    void slpEnWithTheS5TypeRequestsPowerOff() {
        // §4.8.3.7: SLP_TYP in bits 4-2, SLP_EN bit 5: (5 << 2) | 0x20 = 0x34, as Linux writes it.
        regs.write(AcpiSleepRegisters.SLEEP_CONTROL, 1, 0x34);
        assertEquals(List.of("off"), requests);
    }

    @Test
    void theS5TypeWithoutSlpEnDoesNothing() {
        regs.write(AcpiSleepRegisters.SLEEP_CONTROL, 1, 5 << 2);
        assertEquals(List.of(), requests);
    }

    @Test
    void otherSleepTypesAreIgnored() {
        for (int type = 0; type < 8; type++) {
            if (type != 5) regs.write(AcpiSleepRegisters.SLEEP_CONTROL, 1, (type << 2) | 0x20);
        }
        assertEquals(List.of(), requests);
    }

    @Test
    void reservedBitsDoNotChangeTheRequest() {
        regs.write(AcpiSleepRegisters.SLEEP_CONTROL, 1, 0x34 | 0xC3);
        assertEquals(List.of("off"), requests);
    }

    @Test
    void sleepStatusReadsZeroAndClearingWakStsIsHarmless() {
        // §4.8.3.8: OSPM clears WAK_STS (bit 7, write 1 to clear) before sleeping.
        regs.write(AcpiSleepRegisters.SLEEP_STATUS, 1, 0x80);
        assertEquals(0, regs.read(AcpiSleepRegisters.SLEEP_STATUS, 1));
        assertEquals(0, regs.read(AcpiSleepRegisters.SLEEP_CONTROL, 1));
        assertEquals(List.of(), requests);
    }

    @Test
    void resetRegisterResetsOnlyWithTheResetValue() {
        regs.write(AcpiSleepRegisters.RESET, 1, 0x01);
        assertEquals(List.of(), requests);
        regs.write(AcpiSleepRegisters.RESET, 1, 0x0E);
        assertEquals(List.of("reset"), requests);
    }

    @Test
    void aWideWriteReachesEachRegisterByteByByte() {
        // A 16-bit write at SLEEP_STATUS covers SLEEP_STATUS (0x80) and RESET (0x0E).
        regs.write(AcpiSleepRegisters.SLEEP_STATUS, 2, 0x0E80);
        assertEquals(List.of("reset"), requests);
    }

    @Test
    void accessesBeyondTheRegistersNeitherThrowNorAct() {
        regs.write(7, 8, -1L);
        regs.write(-1, 1, 0x34);
        assertEquals(0, regs.read(100, 4));
        assertEquals(List.of(), requests);
    }

    @Test
    void constructorRejectsValuesTheRegistersCannotHold() {
        PowerRequestHandler h = new PowerRequestHandler() {
            @Override public void requestPowerOff() { }
            @Override public void requestReset() { }
        };
        assertThrows(IllegalArgumentException.class, () -> new AcpiSleepRegisters(8, 0, h));
        assertThrows(IllegalArgumentException.class, () -> new AcpiSleepRegisters(5, 256, h));
    }
}
