package dev.panavisor.vmm.boot.acpi;

import static dev.panavisor.vmm.boot.acpi.AcpiBytes.ascii;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.byteSum;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u16;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u32;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u64;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** ACPI 6.5 §5.2.9 FADT (Table 5.9) for a hardware-reduced platform (§4.1). */
class FadtTest {
    private static final long DSDT = 0xE0100L;

    private static byte[] fadt(GenericAddress reset, boolean i8042, boolean rtc) {
        return new Fadt(DSDT, GenericAddress.ioPort8(0x600), GenericAddress.ioPort8(0x601), reset, 0x0E, i8042, rtc)
                .encode(OemIdentity.PANAVISOR);
    }

    private final byte[] t = fadt(GenericAddress.NONE, true, false);

    @Test
    void isTheRevision65LayoutOf276Bytes() {
        assertEquals("FACP", ascii(t, 0, 4));
        assertEquals(276, t.length);
        assertEquals(276, u32(t, 4));
        assertEquals(6, u8(t, 8), "FADT Major Version");
        assertEquals(5, u8(t, 131), "FADT Minor Version");
        assertEquals(0, byteSum(t, 0, t.length));
    }

    @Test
    void flagsDeclareHardwareReducedAcpi() {
        long flags = u32(t, 112);
        assertTrue((flags & (1 << 20)) != 0, "HW_REDUCED_ACPI (bit 20)");
        assertTrue((flags & (1 << 4)) != 0, "PWR_BUTTON (bit 4): no fixed-feature power button");
        assertTrue((flags & (1 << 5)) != 0, "SLP_BUTTON (bit 5): no fixed-feature sleep button");
        assertEquals(0, flags & (1 << 10), "RESET_REG_SUP only with a reset register");
    }

    @Test
    void dsdtIsReachedThrough64BitXDsdtOnly() {
        assertEquals(DSDT, u64(t, 140), "X_DSDT");
        assertEquals(0, u32(t, 40), "DSDT must be 0 when X_DSDT is used");
    }

    @Test
    void hardwareReducedFadtHasNoFacsPm1OrGpeBlocks() {
        assertEquals(0, u32(t, 36), "FIRMWARE_CTRL");
        assertEquals(0, u64(t, 132), "X_FIRMWARE_CTRL");
        for (int offset = 56; offset < 88; offset += 4) assertEquals(0, u32(t, offset), "legacy block at " + offset);
        for (int offset = 148; offset < 244; offset++) assertEquals(0, u8(t, offset), "X_ block byte " + offset);
        assertEquals(0, u16(t, 46), "SCI_INT");
    }

    @Test
    void sleepControlAndStatusRegistersAreGenericAddressesInSystemIo() {
        // §5.2.3.2: space 1 = system I/O, width 8, offset 0, access size 1 (byte), then the port.
        assertEquals(1, u8(t, 244));
        assertEquals(8, u8(t, 245));
        assertEquals(0, u8(t, 246));
        assertEquals(1, u8(t, 247));
        assertEquals(0x600, u64(t, 248));
        assertEquals(1, u8(t, 256));
        assertEquals(8, u8(t, 257));
        assertEquals(0x601, u64(t, 260));
    }

    @Test
    void resetRegisterSetsItsFlagAddressAndValue() {
        byte[] f = fadt(GenericAddress.ioPort8(0xCF9), true, false);
        assertTrue((u32(f, 112) & (1 << 10)) != 0, "RESET_REG_SUP");
        assertEquals(1, u8(f, 116));
        assertEquals(0xCF9, u64(f, 120));
        assertEquals(0x0E, u8(f, 128));
        assertEquals(0, byteSum(f, 0, f.length));
    }

    @Test
    void iaPcBootArchitectureFlagsFollowTheDevices() {
        // §5.2.9.3: bit 1 8042, bit 2 VGA Not Present, bit 5 CMOS RTC Not Present.
        assertEquals(0b100110, u16(t, 109));
        assertEquals(0b000100, u16(fadt(GenericAddress.NONE, false, true), 109));
    }

    @Test
    void onlyTheAllZeroGenericAddressStandsForAnAbsentRegister() {
        // GenericAddress.NONE (ACPI 5.2.3.2, all fields zero) is what "no reset register" is encoded as.
        assertTrue(GenericAddress.NONE.isNone());
        assertTrue(new GenericAddress(0, 0, 0, 0, 0).isNone());
        assertFalse(GenericAddress.ioPort8(0).isNone());
        assertFalse(new GenericAddress(0, 0, 0, 0, 0x1000).isNone());
        assertFalse(new GenericAddress(0, 0, 0, 1, 0).isNone());
    }

    @Test
    void aFadtWithoutSleepRegistersCannotPowerOffAndIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Fadt(DSDT, GenericAddress.NONE, GenericAddress.ioPort8(1),
                GenericAddress.NONE, 0, false, false));
    }
}
