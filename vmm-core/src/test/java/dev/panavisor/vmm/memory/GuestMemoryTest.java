package dev.panavisor.vmm.memory;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestMemoryTest {
    private final Arena arena = Arena.ofAuto();
    private final GuestMemory mem = new GuestMemory(List.of(
            new GuestRegion("low", 0, arena.allocate(0x10000, 4096), false, -1),
            new GuestRegion("high", 0x10000, arena.allocate(0x10000, 4096), false, -1),
            new GuestRegion("top", -0x1000L, arena.allocate(0x1000, 4096), true, -1)));

    @Test
    void slicesAreViewsNotCopies() {
        MemorySegment s = mem.slice(0x100, 16);
        s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 3, (byte) 7);
        assertEquals(7, mem.readU8(0x103));
    }

    @Test
    void rangesCrossingFromOneRegionIntoTheNextAreRefusedEvenWhenContiguous() {
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> mem.slice(0xFFF8, 16));
        assertTrue(e.getMessage().contains("runs past the end of region low"), e.getMessage());
    }

    @Test
    void wrappingRangesAreRefused() {
        assertThrows(GuestMemoryException.class, () -> mem.slice(-8L, 16));
        assertThrows(GuestMemoryException.class, () -> mem.slice(0x100, Long.MAX_VALUE));
        assertThrows(GuestMemoryException.class, () -> mem.slice(0x100, -1));
    }

    @Test
    void aRegionEndingAt2To64IsUsableUpToItsLastByte() {
        assertTrue(mem.isValid(-0x1000L, 0x1000));
        assertTrue(mem.isValid(-1L, 1));
        assertFalse(mem.isValid(-1L, 2));
    }

    @Test
    void unbackedAddressesAreRefused() {
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> mem.readU32(0x20000));
        assertTrue(e.getMessage().contains("not backed"), e.getMessage());
    }

    @Test
    void littleEndianAccessors() {
        mem.writeU32(0x200, 0x11223344);
        assertArrayEquals(new byte[]{0x44, 0x33, 0x22, 0x11}, mem.readBytes(0x200, 4));
        mem.writeU64(0x10008, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, mem.readU64(0x10008));
        assertEquals((short) 0x0708, mem.readU16(0x10008));
    }

    @Test
    void overlappingRegionsAreAWiringBug() {
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(List.of(
                new GuestRegion("a", 0, arena.allocate(0x2000, 4096), false, -1),
                new GuestRegion("b", 0x1000, arena.allocate(0x2000, 4096), false, -1))));
    }

    @Test
    void regionsMustBePageAligned() {
        assertThrows(IllegalArgumentException.class, () -> new GuestRegion("odd", 0x800, arena.allocate(0x1000), false, -1));
    }
}
