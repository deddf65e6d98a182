package dev.panavisor.vmm.boot.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The DSDT pieces that declare a legacy ISA device: AML §20.2.5, resource descriptors §6.4.2, _HID §6.1.5. */
class IsaDeviceAmlTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void eisaIdCompressesLettersToFiveBitsAndStoresTheDwordByteSwapped() {
        // Values iasl emits for EISAID(): PNP0501 and PNP0A03.
        assertEquals(0x0105D041L, Aml.eisaId("PNP0501"));
        assertEquals(0x030AD041L, Aml.eisaId("PNP0A03"));
        assertThrows(IllegalArgumentException.class, () -> Aml.eisaId("pnp0501"));
        assertThrows(IllegalArgumentException.class, () -> Aml.eisaId("PNP050"));
        assertThrows(IllegalArgumentException.class, () -> Aml.eisaId("PNP05G1"));
    }

    @Test
    void ioAndIrqDescriptorsFollowSection6_4_2() {
        // §6.4.2.5 I/O port: 0x47, decode16, min, max, alignment, length; §6.4.2.1 IRQ (no flags): 0x22, mask;
        // §6.4.2.9 end tag: 0x79, checksum 0.
        assertArrayEquals(bytes(0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x01, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00),
                new ResourceTemplate().ioPort(0x3F8, 8).isaIrq(4).bytes());
        assertThrows(IllegalArgumentException.class, () -> new ResourceTemplate().isaIrq(16));
        assertThrows(IllegalArgumentException.class, () -> new ResourceTemplate().ioPort(0x10000, 1));
    }

    @Test
    void bufferCarriesItsSizeAsAnIntegerBeforeTheBytes() {
        assertArrayEquals(bytes(0x11, 0x05, 0x0A, 0x02, 0x79, 0x00), Aml.buffer(bytes(0x79, 0x00)));
    }

    @Test
    void deviceAndScopeWrapTheirTermsWithPkgLength() {
        byte[] hid = Aml.name("_HID", Aml.integer(Aml.eisaId("PNP0501")));
        byte[] dev = Aml.device("COM1", hid);
        assertArrayEquals(bytes(0x5B, 0x82, 1 + 4 + hid.length, 'C', 'O', 'M', '1'), AcpiBytes.slice(dev, 0, 7));
        assertArrayEquals(hid, AcpiBytes.slice(dev, 7, hid.length));
        byte[] sb = Aml.rootScope("_SB_", dev);
        assertArrayEquals(bytes(0x10, 1 + 5 + dev.length, 0x5C, '_', 'S', 'B', '_'), AcpiBytes.slice(sb, 0, 7));
        assertArrayEquals(dev, AcpiBytes.slice(sb, 7, dev.length));
    }

    @Test
    void tablesWithAUartDeclareItUnderSystemBusAfterS5() {
        IsaDevice com1 = new IsaDevice("COM1", IsaDevice.UART_16550, 0, 0x3F8, 8, 4);
        AcpiTables tables = AcpiTables.forVcpus(1, 0x600, 0x601).withIsaDevice(com1);
        byte[] s5 = Dsdt.s5(AcpiTables.S5_SLEEP_TYPE);
        byte[] aml = tables.dsdtAml();
        assertArrayEquals(s5, AcpiBytes.slice(aml, 0, s5.length));
        assertArrayEquals(Aml.rootScope("_SB_", com1.aml()), AcpiBytes.slice(aml, s5.length, aml.length - s5.length));
        assertEquals(List.of(com1), tables.withResetRegister(0x602, 1).isaDevices());
        assertThrows(IllegalArgumentException.class, () -> tables.withIsaDevice(com1));
    }
}
