package dev.panavisor.devices.pci;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PCI Local Bus Specification 3.0, 3.2.2.3.2 (mechanism #1) and 6.1/6.2 (header), and the PIIX4 PM function. */
class PciConfigTest {
    final PciConfigMechanism1 pci = new PciConfigMechanism1();
    final List<String> decoded = new ArrayList<>();
    Piix4PowerManagement pm;

    @BeforeEach
    void wire() {
        pm = new Piix4PowerManagement((base, enabled) -> decoded.add(Integer.toHexString(base) + (enabled ? "+" : "-")));
        pci.attach(0, 0, new I440fxHostBridge());
        pci.attach(1, 0, new Piix3IsaBridge());
        pci.attach(1, 3, pm);
    }

    static int address(int dev, int fn, int reg) { return 0x8000_0000 | dev << 11 | fn << 8 | reg; }

    long read(int dev, int fn, int reg, int size) {
        pci.addressPort().write(0, 4, Integer.toUnsignedLong(address(dev, fn, reg & 0xFC)));
        return pci.dataPort().read(reg & 3, size);
    }

    void write(int dev, int fn, int reg, int size, long value) {
        pci.addressPort().write(0, 4, Integer.toUnsignedLong(address(dev, fn, reg & 0xFC)));
        pci.dataPort().write(reg & 3, size, value);
    }

    @Test
    void identifiesTheI440fxPiix3AndPiix4PmFunctions() {
        assertEquals(0x1237_8086L, read(0, 0, 0, 4));
        assertEquals(0x7000_8086L, read(1, 0, 0, 4));
        assertEquals(0x7113_8086L, read(1, 3, 0, 4));
        assertEquals(0x0600, read(0, 0, 0x0A, 2), "host bridge class");
        assertEquals(0x0601, read(1, 0, 0x0A, 2), "ISA bridge class");
        assertEquals(0x0680, read(1, 3, 0x0A, 2), "other bridge class");
        assertEquals(0x80, read(1, 0, 0x0E, 1), "the ISA bridge is multi-function, so 00:01.3 gets probed");
    }

    @Test
    void absentFunctionsAndDisabledAccessesReadAllOnes() {
        assertEquals(0xFFFF_FFFFL, read(2, 0, 0, 4));
        assertEquals(0xFFFF, read(1, 1, 0, 2));
        pci.addressPort().write(0, 4, 0x0000_0000L); // enable bit clear
        assertEquals(0xFFFF_FFFFL, pci.dataPort().read(0, 4));
        pci.addressPort().write(0, 4, 0x8001_0000L); // bus 1 does not exist
        assertEquals(0xFFFF_FFFFL, pci.dataPort().read(0, 4));
    }

    @Test
    void configAddressIsADwordRegisterThatReadsBack() {
        pci.addressPort().write(0, 4, 0x8000_0810L);
        assertEquals(0x8000_0810L, pci.addressPort().read(0, 4));
        pci.addressPort().write(0, 1, 0x00);
        assertEquals(0x8000_0810L, pci.addressPort().read(0, 4), "byte writes do not reach CONFIG_ADDRESS");
    }

    @Test
    void byteAndWordAccessesAtCfdToCffReachTheMatchingRegisterBytes() {
        assertEquals(0x86, read(0, 0, 0, 1));
        assertEquals(0x80, read(0, 0, 1, 1));
        assertEquals(0x1237, read(0, 0, 2, 2));
        assertEquals(0x12, read(0, 0, 3, 1));
    }

    @Test
    void readOnlyFieldsIgnoreWrites() {
        write(0, 0, 0, 4, 0xDEAD_BEEFL);
        assertEquals(0x1237_8086L, read(0, 0, 0, 4));
        write(0, 0, 0x08, 4, 0xFFFF_FFFFL);
        assertEquals(0x0600_0002L, read(0, 0, 0x08, 4), "class code and revision are read-only");
    }

    @Test
    void statusErrorBitsAreWriteOneToClear() {
        I440fxHostBridge hb = new I440fxHostBridge();
        assertEquals(0x0280, hb.readConfig(PciConfigSpace.STATUS, 2));
        hb.writeConfig(PciConfigSpace.STATUS, 2, 0xFFFF);
        assertEquals(0x0280, hb.readConfig(PciConfigSpace.STATUS, 2), "capability bits stay; nothing to clear");
    }

    @Test
    void pamRegistersHoldWhatSeaBiosWrites() {
        write(0, 0, 0x59, 1, 0x30);
        write(0, 0, 0x5A, 1, 0x33);
        assertEquals(0x30, read(0, 0, 0x59, 1));
        assertEquals(0x33, read(0, 0, 0x5A, 1));
        write(0, 0, 0x5B, 1, 0xFF);
        assertEquals(0x33, read(0, 0, 0x5B, 1), "only the read/write enable bits exist");
    }

    @Test
    void piixPirqRoutesResetDisabled() {
        assertEquals(0x8080_8080L, read(1, 0, 0x60, 4));
        write(1, 0, 0x60, 1, 0x0B);
        assertEquals(0x0B, read(1, 0, 0x60, 1));
    }

    /** 82371AB datasheet 3.4.2.1 PMBA and 3.4.2.6 PMREGMISC. */
    @Test
    void pmBaseDecodesOnlyWhenPmiosIsEnabled() {
        assertEquals(1, read(1, 3, 0x40, 4), "bit 0 reads 1: an I/O BAR");
        write(1, 3, 0x40, 4, 0xB000);
        assertEquals(0xB001, read(1, 3, 0x40, 4));
        assertEquals(List.of(), decoded, "not enabled yet, nothing moved");
        write(1, 3, 0x80, 1, 0x01);
        assertEquals(List.of("b000+"), decoded);
        write(1, 3, 0x40, 4, 0x603F);
        assertEquals(0x6001, read(1, 3, 0x40, 4), "the block is 64-byte aligned");
        assertEquals(List.of("b000+", "6000+"), decoded);
        write(1, 3, 0x80, 1, 0x00);
        assertEquals(List.of("b000+", "6000+", "6000-"), decoded);
    }

    @Test
    void resetRestoresPowerOnValues() {
        write(1, 3, 0x40, 4, 0xB000);
        write(1, 3, 0x80, 1, 0x01);
        write(0, 0, 0x59, 1, 0x30);
        pci.reset();
        assertEquals(1, read(1, 3, 0x40, 4));
        assertEquals(0, read(0, 0, 0x59, 1));
        assertEquals("0-", decoded.getLast(), "the block stops decoding");
    }
}
