package dev.panavisor.vmm.boot.acpi;

import static dev.panavisor.vmm.boot.acpi.AcpiBytes.ascii;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.byteSum;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u32;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u64;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** ACPI 6.5 §5.2.5.3 Root System Description Pointer structure (Table 5.3). */
class RsdpTest {
    private final byte[] rsdp = Rsdp.encode(OemIdentity.PANAVISOR, 0x1_2345_6780L);

    @Test
    void isThirtySixBytesRevisionTwoWithItsLengthField() {
        assertEquals(36, rsdp.length);
        assertEquals("RSD PTR ", ascii(rsdp, 0, 8));
        assertEquals(2, u8(rsdp, 15), "revision 2: ACPI 2.0 and later, with the XSDT address");
        assertEquals(36, u32(rsdp, 20));
    }

    @Test
    void pointsAtTheXsdtAndNotAtAnRsdt() {
        assertEquals(0x1_2345_6780L, u64(rsdp, 24));
        assertEquals(0, u32(rsdp, 16));
    }

    @Test
    void oemIdIsAtOffsetNine() {
        assertEquals("PNVSR ", ascii(rsdp, 9, 6));
    }

    @Test
    void firstChecksumCoversTheFirstTwentyBytes() {
        assertEquals(0, byteSum(rsdp, 0, 20));
    }

    @Test
    void extendedChecksumCoversAllThirtySixBytes() {
        assertEquals(0, byteSum(rsdp, 0, 36));
        assertEquals(0, u8(rsdp, 33) | u8(rsdp, 34) | u8(rsdp, 35), "reserved bytes are zero");
    }
}
