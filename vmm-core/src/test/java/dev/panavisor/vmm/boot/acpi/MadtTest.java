package dev.panavisor.vmm.boot.acpi;

import static dev.panavisor.vmm.boot.acpi.AcpiBytes.ascii;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.byteSum;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u16;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u32;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ACPI 6.5 §5.2.12 MADT and its interrupt controller structures. */
class MadtTest {
    @Test
    void headerCarriesTheLocalApicAddressAndPcAtFlag() {
        byte[] t = Madt.encode(OemIdentity.PANAVISOR, 0xFEE0_0000L, true, List.of());
        assertEquals("APIC", ascii(t, 0, 4));
        assertEquals(44, t.length);
        assertEquals(0xFEE0_0000L, u32(t, 36));
        assertEquals(1, u32(t, 40), "PCAT_COMPAT");
        assertEquals(0, byteSum(t, 0, t.length));
    }

    @Test
    void processorLocalApicIsType0Length8() {
        // §5.2.12.2: type, length, ACPI processor UID, APIC ID, flags (bit 0 Enabled).
        byte[] e = new Madt.LocalApic(3, 7, true).encode();
        assertEquals(8, e.length);
        assertEquals(0, u8(e, 0));
        assertEquals(8, u8(e, 1));
        assertEquals(3, u8(e, 2));
        assertEquals(7, u8(e, 3));
        assertEquals(1, u32(e, 4));
        assertEquals(0, u32(new Madt.LocalApic(0, 0, false).encode(), 4));
    }

    @Test
    void ioApicIsType1Length12() {
        // §5.2.12.3: type, length, I/O APIC ID, reserved, address, GSI base.
        byte[] e = new Madt.IoApic(4, 0xFEC0_0000L, 0).encode();
        assertEquals(12, e.length);
        assertEquals(1, u8(e, 0));
        assertEquals(12, u8(e, 1));
        assertEquals(4, u8(e, 2));
        assertEquals(0, u8(e, 3));
        assertEquals(0xFEC0_0000L, u32(e, 4));
        assertEquals(0, u32(e, 8));
    }

    @Test
    void interruptSourceOverrideIsType2Length10OnTheIsaBus() {
        // §5.2.12.5: type, length, bus (0 = ISA), source IRQ, GSI, MPS INTI flags.
        byte[] e = new Madt.InterruptSourceOverride(0, 2, 0x000D).encode();
        assertEquals(10, e.length);
        assertEquals(2, u8(e, 0));
        assertEquals(10, u8(e, 1));
        assertEquals(0, u8(e, 2));
        assertEquals(0, u8(e, 3));
        assertEquals(2, u32(e, 4));
        assertEquals(0x000D, u16(e, 8));
    }

    @Test
    void localApicNmiIsType4Length6() {
        // §5.2.12.7: type, length, ACPI processor UID, MPS INTI flags, LINT#.
        byte[] e = new Madt.LocalApicNmi(0xFF, 0x0005, 1).encode();
        assertEquals(6, e.length);
        assertEquals(4, u8(e, 0));
        assertEquals(6, u8(e, 1));
        assertEquals(0xFF, u8(e, 2));
        assertEquals(0x0005, u16(e, 3));
        assertEquals(1, u8(e, 5));
    }

    @Test
    void entriesFollowTheHeaderBackToBack() {
        List<Madt.Entry> entries = List.of(new Madt.LocalApic(0, 0, true), new Madt.IoApic(1, 0xFEC0_0000L, 0),
                new Madt.LocalApicNmi(0xFF, 0, 1));
        byte[] t = Madt.encode(OemIdentity.PANAVISOR, 0xFEE0_0000L, false, entries);
        assertEquals(44 + 8 + 12 + 6, t.length);
        assertEquals(t.length, u32(t, 4));
        assertEquals(0, u32(t, 40));
        assertEquals(0, u8(t, 44));
        assertEquals(1, u8(t, 52));
        assertEquals(4, u8(t, 64));
        assertEquals(0, byteSum(t, 0, t.length));
    }

    @Test
    void apicIdsAbove255NeedX2ApicEntriesAndAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Madt.LocalApic(0, 256, true));
    }
}
