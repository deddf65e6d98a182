package dev.panavisor.vmm.boot.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ACPI 6.5 §20.2 AML grammar: the encodings the DSDT uses. */
class AmlTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void integersUseTheShortestConstantEncoding() {
        // §20.2.3: ZeroOp, OneOp, BytePrefix, WordPrefix, DWordPrefix, QWordPrefix (little-endian data).
        assertArrayEquals(bytes(0x00), Aml.integer(0));
        assertArrayEquals(bytes(0x01), Aml.integer(1));
        assertArrayEquals(bytes(0x0A, 0x05), Aml.integer(5));
        assertArrayEquals(bytes(0x0A, 0xFF), Aml.integer(0xFF));
        assertArrayEquals(bytes(0x0B, 0x00, 0x01), Aml.integer(0x100));
        assertArrayEquals(bytes(0x0C, 0x78, 0x56, 0x34, 0x12), Aml.integer(0x1234_5678));
        assertArrayEquals(bytes(0x0E, 0, 0, 0, 0, 1, 0, 0, 0), Aml.integer(0x1_0000_0000L));
    }

    @Test
    void pkgLengthOfOneByteCountsItselfUpTo63() {
        // §20.2.4: a one-byte PkgLength holds the length (including itself) in bits 5-0.
        assertArrayEquals(bytes(0x01), Aml.pkgLength(0));
        assertArrayEquals(bytes(0x06), Aml.pkgLength(5));
        assertArrayEquals(bytes(0x3F), Aml.pkgLength(62));
    }

    @Test
    void longerPkgLengthsPutTheByteCountInBits7And6AndTheLowNibbleFirst() {
        // 63-byte body: total 65 = 0x41 with a 2-byte encoding: lead 0x40 | 0x1, then 0x41 >> 4 = 0x04.
        assertArrayEquals(bytes(0x41, 0x04), Aml.pkgLength(63));
        // 4093-byte body: total 4095 = 0xFFF, still 2 bytes.
        assertArrayEquals(bytes(0x4F, 0xFF), Aml.pkgLength(4093));
        // 4094-byte body needs 3 bytes: total 4097 = 0x1001 -> lead 0x80 | 0x1, then 0x00, 0x01.
        assertArrayEquals(bytes(0x81, 0x00, 0x01), Aml.pkgLength(4094));
    }

    @Test
    void s5PackageIsNameOpNameSegPackageOpLengthCountAndElements() {
        // Name (_S5, Package () { 5, 0 }) = 08 '_S5_' 12 <len=5> 02 0A 05 00
        assertArrayEquals(bytes(0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A, 0x05, 0x00), Dsdt.s5(5));
    }

    @Test
    void shortNamesArePaddedWithUnderscores() {
        assertArrayEquals(bytes('C', 'O', 'M', '_'), Aml.nameSeg("COM"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "TOOLONG", "1ABC", "ab_c", "A-B"})
    void invalidNameSegsAreRejected(String name) {
        assertThrows(IllegalArgumentException.class, () -> Aml.nameSeg(name));
    }

    @Test
    void sleepTypeIsThreeBits() {
        assertThrows(IllegalArgumentException.class, () -> Dsdt.s5(8));
    }
}
