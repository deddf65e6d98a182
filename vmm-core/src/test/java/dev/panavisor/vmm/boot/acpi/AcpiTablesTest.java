package dev.panavisor.vmm.boot.acpi;

import static dev.panavisor.vmm.boot.acpi.AcpiBytes.ascii;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.byteSum;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u32;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u64;
import static dev.panavisor.vmm.boot.acpi.AcpiBytes.u8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The laid-out set, read the way OSPM reads it: RSDP, then the pointers (ACPI 6.5 §5.2.5-§5.2.12). */
class AcpiTablesTest {
    private static final long BASE = AcpiTables.LEGACY_BIOS_AREA;

    private static int at(AcpiTables.Layout l, long address) {
        long off = address - l.baseAddress();
        assertTrue(off >= 0 && off < l.size(), "address 0x" + Long.toHexString(address) + " outside the layout");
        return (int) off;
    }

    /** A whole table, its length taken from its header, with its checksum verified. */
    private static byte[] table(AcpiTables.Layout l, long address, String signature) {
        byte[] all = l.bytes();
        int off = at(l, address);
        assertEquals(signature, ascii(all, off, 4));
        int length = (int) u32(all, off + 4);
        assertTrue(off + length <= all.length, signature + " runs past the layout");
        assertEquals(0, byteSum(all, off, off + length), signature + " checksum");
        return AcpiBytes.slice(all, off, length);
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {1, 2, 4, 64, 254})
    void everyTableIsReachableFromTheRsdpWithValidChecksums(int vcpus) {
        AcpiTables.Layout l = AcpiTables.forVcpus(vcpus, 0x600, 0x601).layout(BASE);
        byte[] all = l.bytes();
        assertEquals(BASE, l.rsdpAddress());
        assertEquals("RSD PTR ", ascii(all, 0, 8));
        assertEquals(0, byteSum(all, 0, 20));
        assertEquals(0, byteSum(all, 0, 36));

        byte[] xsdt = table(l, u64(all, 24), "XSDT");
        assertEquals(l.xsdtAddress(), u64(all, 24));
        List<String> signatures = new ArrayList<>();
        for (int o = 36; o < xsdt.length; o += 8) signatures.add(ascii(all, at(l, u64(xsdt, o)), 4));
        assertEquals(List.of("FACP", "APIC"), signatures);

        byte[] fadt = table(l, l.fadtAddress(), "FACP");
        byte[] dsdt = table(l, u64(fadt, 140), "DSDT");
        assertArrayEquals(Dsdt.s5(AcpiTables.S5_SLEEP_TYPE), AcpiBytes.slice(dsdt, 36, dsdt.length - 36));

        byte[] madt = table(l, l.madtAddress(), "APIC");
        int localApics = 0;
        for (int o = 44; o < madt.length; o += u8(madt, o + 1)) {
            if (u8(madt, o) == 0) {
                assertEquals(localApics, u8(madt, o + 2), "processor UID");
                assertEquals(localApics, u8(madt, o + 3), "APIC ID");
                assertEquals(1, u32(madt, o + 4) & 1, "enabled");
                localApics++;
            }
        }
        assertEquals(vcpus, localApics);
    }

    @Test
    void tablesDoNotOverlapAndStartOn16ByteBoundaries() {
        AcpiTables.Layout l = AcpiTables.forVcpus(2, 0x600, 0x601).layout(BASE);
        long[] starts = {l.rsdpAddress(), l.xsdtAddress(), l.fadtAddress(), l.dsdtAddress(), l.madtAddress()};
        byte[] all = l.bytes();
        for (int i = 0; i < starts.length; i++) {
            assertEquals(0, starts[i] % 16, "table " + i);
            if (i > 0) {
                long prevEnd = starts[i - 1] + (i == 1 ? Rsdp.SIZE : u32(all, at(l, starts[i - 1]) + 4));
                assertTrue(prevEnd <= starts[i], "table " + i + " overlaps the one before");
            }
        }
        assertTrue(BASE + l.size() <= 0x10_0000L, "fits below 1 MiB, in the legacy scan area");
    }

    @Test
    void madtRoutesIsaIrq0ToGsi2AndLint1AsNmi() {
        AcpiTables.Layout l = AcpiTables.forVcpus(2, 0x600, 0x601).layout(BASE);
        byte[] madt = table(l, l.madtAddress(), "APIC");
        boolean override = false;
        boolean nmi = false;
        boolean ioApic = false;
        for (int o = 44; o < madt.length; o += u8(madt, o + 1)) {
            switch (u8(madt, o)) {
                case 1 -> { ioApic = true; assertEquals(2, u8(madt, o + 2), "I/O APIC ID follows the vCPUs"); assertEquals(0xFEC0_0000L, u32(madt, o + 4)); }
                case 2 -> { override = true; assertEquals(0, u8(madt, o + 3)); assertEquals(2, u32(madt, o + 4)); }
                case 4 -> { nmi = true; assertEquals(0xFF, u8(madt, o + 2)); assertEquals(1, u8(madt, o + 5)); }
                default -> { }
            }
        }
        assertTrue(override && nmi && ioApic);
    }

    @Test
    void resetRegisterAppearsInTheFadtWhenGiven() {
        AcpiTables.Layout l = AcpiTables.forVcpus(1, 0x600, 0x601).withResetRegister(0x602, 1).layout(BASE);
        byte[] fadt = table(l, l.fadtAddress(), "FACP");
        assertEquals(0x602, u64(fadt, 120));
        assertEquals(1, u8(fadt, 128));
    }

    @Test
    void misalignedBaseOrCollidingIoApicIdIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> AcpiTables.forVcpus(1, 0x600, 0x601).layout(BASE + 8));
        assertThrows(IllegalArgumentException.class, () -> new AcpiTables(4, 3, 0xFEC0_0000L, 0x600, 0x601, -1, 0, true, false));
        assertThrows(IllegalArgumentException.class, () -> AcpiTables.forVcpus(0, 0x600, 0x601));
        assertThrows(IllegalArgumentException.class, () -> AcpiTables.forVcpus(255, 0x600, 0x601));
    }
}
