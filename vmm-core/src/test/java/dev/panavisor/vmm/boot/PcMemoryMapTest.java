package dev.panavisor.vmm.boot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The e820 map and RAM placement around the 32-bit PCI hole. */
class PcMemoryMapTest {
    private static final long MIB = 1L << 20, GIB = 1L << 30;

    @Test
    void smallGuestHasBaseMemoryTheBiosHoleAndExtendedMemory() {
        List<E820Entry> e = new PcMemoryMap(512 * MIB).e820();
        assertEquals(List.of(
                new E820Entry(0, 0x9FC00, E820Type.RAM),
                new E820Entry(0x9FC00, 0x100000 - 0x9FC00, E820Type.RESERVED),
                new E820Entry(0x100000, 512 * MIB - 0x100000, E820Type.RAM)), e);
    }

    @Test
    void eightGibGuestPutsThreeBelowTheHoleAndFiveAbove4G() {
        PcMemoryMap m = new PcMemoryMap(8 * GIB);
        assertEquals(3 * GIB, m.lowRamEnd());
        assertEquals(5 * GIB, m.highRamSize());
        List<E820Entry> e = m.e820();
        assertEquals(new E820Entry(4 * GIB, 5 * GIB, E820Type.RAM), e.getLast());
        assertEquals(3 * GIB, e.get(2).end());
        assertEquals(List.of(new PcMemoryMap.RamRegion("ram-low", 0, 3 * GIB), new PcMemoryMap.RamRegion("ram-high", 4 * GIB, 5 * GIB)), m.ramRegions());
        // Nothing of the map lies in [3 GiB, 4 GiB): the hole is for MMIO.
        for (E820Entry x : e) assertTrue(x.end() <= 3 * GIB || x.address() >= 4 * GIB, x.toString());
    }

    @Test
    void exactlyThreeGibNeedsNoHighRegion() {
        PcMemoryMap m = new PcMemoryMap(3 * GIB);
        assertEquals(1, m.ramRegions().size());
        assertEquals(3, m.e820().size());
    }

    @Test
    void theMapIsSortedAndDisjointAndSumsToTheRam() {
        for (long size : new long[] {16 * MIB, 1 * GIB, 3 * GIB + 2 * MIB, 8 * GIB, 64 * GIB}) {
            List<E820Entry> e = new PcMemoryMap(size).e820();
            long ram = 0;
            for (int i = 0; i < e.size(); i++) {
                if (i > 0) assertTrue(e.get(i - 1).end() <= e.get(i).address());
                if (e.get(i).type() == E820Type.RAM) ram += e.get(i).size();
            }
            // The 385 KiB reserved under 1 MiB is RAM the guest does not get to use.
            assertEquals(size - (0x100000 - 0x9FC00), ram);
        }
    }

    @Test
    void linuxLineMatchesWhatTheKernelPrints() {
        // arch/x86/kernel/e820.c e820__print_table: "%s: [mem %#018Lx-%#018Lx] " then the type name.
        assertEquals("BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable", new E820Entry(0, 0x9FC00, E820Type.RAM).linuxLine());
    }

    @Test
    void tinyOrUnalignedSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PcMemoryMap(MIB));
        assertThrows(IllegalArgumentException.class, () -> new PcMemoryMap(16 * MIB + 1));
    }
}
