package dev.panavisor.vmm.boot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** boot.rst "Details of Header Fields": initrd_addr_max and cmdline_size. */
class PlacementTest {
    @Test
    void initrdGoesToTheTopOfLowRamPageAligned() {
        assertEquals(0x20000000L - 0x2000, InitrdPlacement.place(0x1234, 0x20000000L, 0x7FFFFFFFL, 0x4000000));
    }

    @Test
    void initrdLastByteStaysAtOrBelowInitrdAddrMax() {
        long max = 0x37FFFFFFL; // protocol < 2.03 value
        long at = InitrdPlacement.place(0x100000, 3L << 30, max, 0x4000000);
        assertEquals(0x37F00000L, at);
        assertEquals(max, at + 0x100000 - 1);
    }

    @Test
    void initrdThatWouldOverlapTheKernelIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> InitrdPlacement.place(0x1000000, 0x2000000, 0x7FFFFFFF, 0x1800000));
        assertThrows(IllegalArgumentException.class, () -> InitrdPlacement.place(0, 0x2000000, 0x7FFFFFFF, 0));
    }

    @Test
    void commandLineIsNulTerminatedAndBoundedByCmdlineSize() {
        assertArrayEquals(new byte[] {'a', '=', '1', 0}, CommandLine.encode("a=1", 3));
        // cmdline_size excludes the terminating zero.
        assertThrows(IllegalArgumentException.class, () -> CommandLine.encode("a=12", 3));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.encode("caf\u00e9", 100));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.encode("a\0b", 100));
    }
}
