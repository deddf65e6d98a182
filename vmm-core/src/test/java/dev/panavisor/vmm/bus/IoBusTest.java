package dev.panavisor.vmm.bus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IoBusTest {
    /** Records what it sees, answering reads with offset*0x10+size. */
    static final class Probe implements BusDevice {
        final List<String> log = new ArrayList<>();
        @Override public long read(long offset, int size) { log.add("r" + offset + "/" + size); return offset * 0x10 + size; }
        @Override public void write(long offset, int size, long value) { log.add("w" + offset + "/" + size + "=" + value); }
    }

    @Test
    void devicesSeeOffsetsWithinTheirRange() {
        IoBus bus = new IoBus("pio");
        Probe uart = new Probe(), other = new Probe();
        bus.register(0x3F8, 8, uart, "uart");
        bus.register(0x2F8, 8, other, "uart2");
        assertEquals(0x52, bus.read(0x3FD, 2));
        bus.write(0x3F8, 1, 0x41);
        assertEquals(List.of("r5/2", "w0/1=65"), uart.log);
        assertEquals(List.of(), other.log);
    }

    @Test
    void unclaimedReadsSeeAllOnesAndAreCounted() {
        IoBus bus = new IoBus("pio");
        assertEquals(0xFF, bus.read(0x80, 1));
        assertEquals(0xFFFF, bus.read(0x80, 2));
        assertEquals(0xFFFFFFFFL, bus.read(0x80, 4));
        assertEquals(-1L, bus.read(0x80, 8));
        bus.write(0x80, 1, 0);
        assertEquals(5, bus.unclaimedAccesses());
    }

    /** PC decoding: the start address picks the device, whatever the access width. */
    @Test
    void aWideAccessGoesToTheDeviceHoldingItsFirstByte() {
        IoBus bus = new IoBus("pio");
        Probe p = new Probe(), next = new Probe();
        bus.register(0x600, 1, p, "port0");
        bus.register(0x601, 1, next, "port1");
        bus.write(0x600, 4, 7);
        assertEquals(List.of("w0/4=7"), p.log);
        assertEquals(List.of(), next.log);
        assertEquals(0, bus.unclaimedAccesses());
    }

    @Test
    void overlappingRegistrationsAreRefused() {
        IoBus bus = new IoBus("pio");
        bus.register(0x510, 2, new Probe(), "fw_cfg");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bus.register(0x511, 4, new Probe(), "dma"));
        assertEquals(true, e.getMessage().contains("overlaps fw_cfg"));
    }

    @Test
    void registrationOrderDoesNotMatterAndUnregisterRemoves() {
        IoBus bus = new IoBus("mmio");
        Probe a = new Probe(), b = new Probe(), c = new Probe();
        bus.register(0xFEE00000L, 0x1000, c, "c");
        bus.register(0x1000, 0x10, a, "a");
        bus.register(0xFFFFFFFFFFFFF000L, 0x1000, b, "top");
        bus.read(0x1005, 1);
        bus.read(-1L, 1);
        bus.read(0xFEE00010L, 4);
        assertEquals(1, a.log.size());
        assertEquals(List.of("r4095/1"), b.log);
        assertEquals(1, c.log.size());
        assertEquals(true, bus.unregister(0x1000));
        bus.read(0x1005, 1);
        assertEquals(1, a.log.size());
    }
}
