package dev.panavisor.vmm.boot.acpi;

import static dev.panavisor.vmm.boot.acpi.AcpiBytes.byteSum;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u32;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ACPI 6.5 §5.2.8 Extended System Description Table: 64-bit entries after the 36-byte header. */
class XsdtTest {
    @Test
    void holdsOneEightByteAddressPerTableInOrder() {
        byte[] t = Xsdt.encode(OemIdentity.PANAVISOR, List.of(0xE0040L, 0x1_0000_0000L, 7L));
        assertEquals(36 + 3 * 8, t.length);
        assertEquals(t.length, u32(t, 4));
        assertEquals(0xE0040L, u64(t, 36));
        assertEquals(0x1_0000_0000L, u64(t, 44));
        assertEquals(7L, u64(t, 52));
        assertEquals(0, byteSum(t, 0, t.length));
    }

    @Test
    void anEmptyXsdtIsJustTheHeader() {
        assertEquals(36, Xsdt.encode(OemIdentity.PANAVISOR, List.of()).length);
    }
}
