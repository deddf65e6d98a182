package dev.panavisor.vmm.boot.acpi;

import static dev.panavisor.vmm.boot.acpi.AcpiBytes.ascii;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.byteSum;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u32;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** ACPI 6.5 §5.2.6 System Description Table Header, as every SDT we build carries it. */
class SystemDescriptionHeaderTest {
    private final OemIdentity oem = new OemIdentity("OEMID", "TABLEID", 0x01020304, "CRT", 0x0A0B0C0D);

    @Test
    void headerFieldsSitAtTheirSpecOffsets() {
        byte[] t = Xsdt.encode(oem, java.util.List.of(0x1000L));
        assertEquals("XSDT", ascii(t, 0, 4));
        assertEquals(t.length, u32(t, 4));
        assertEquals(1, u8(t, 8));
        assertEquals("OEMID ", ascii(t, 10, 6), "OEM ID is space-padded to 6 bytes");
        assertEquals("TABLEID ", ascii(t, 16, 8), "OEM table ID is space-padded to 8 bytes");
        assertEquals(0x01020304L, u32(t, 24));
        assertEquals("CRT ", ascii(t, 28, 4));
        assertEquals(0x0A0B0C0DL, u32(t, 32));
    }

    @Test
    void checksumMakesTheWholeTableSumToZero() {
        byte[] t = Xsdt.encode(oem, java.util.List.of(0x1234_5678_9ABCL, 0xFFL));
        assertEquals(0, byteSum(t, 0, t.length));
        t[40] ^= 1;
        assertNotEquals(0, byteSum(t, 0, t.length), "a flipped bit must break the checksum");
    }

    @Test
    void identifiersThatDoNotFitAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new OemIdentity("TOOLONG", "T", 0, "C", 0));
        assertThrows(IllegalArgumentException.class, () -> new OemIdentity("OEM", "NINECHARS", 0, "C", 0));
        assertThrows(IllegalArgumentException.class, () -> new OemIdentity("OEM", "T", 0, "FIVEC", 0));
        assertThrows(IllegalArgumentException.class, () -> new OemIdentity("OE\u00e9", "T", 0, "C", 0));
    }
}
