package dev.panavisor.devices.fwcfg;

import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A guest as fw-cfg sees it, without KVM: RAM at 0 and above 4 GiB, a ROM below 4 GiB, all plain
 * native segments, plus the port accesses firmware makes (outw 0x510, inb 0x511, outl 0x514/0x518).
 */
final class FwCfgTestGuest {
    static final long RAM_SIZE = 1 << 20;
    static final long HIGH_RAM = 0x1_0000_0000L;
    static final long HIGH_RAM_SIZE = 0x10000;
    static final long ROM = 0xFFFF_0000L;
    static final long ROM_SIZE = 0x10000;

    final Arena arena = Arena.ofAuto();
    final MemorySegment ram = arena.allocate(RAM_SIZE, 4096);
    final MemorySegment highRam = arena.allocate(HIGH_RAM_SIZE, 4096);
    final MemorySegment rom = arena.allocate(ROM_SIZE, 4096);
    final GuestMemory memory = new GuestMemory(List.of(
            new GuestRegion("ram", 0, ram, false, -1),
            new GuestRegion("high", HIGH_RAM, highRam, false, -1),
            new GuestRegion("rom", ROM, rom, true, -1)));

    final FwCfgDevice device;

    FwCfgTestGuest(FwCfgBuilder builder) {
        device = builder.build(memory);
    }

    void select(int key) { device.controlPorts().write(0, 2, key); }

    int inb() { return (int) device.controlPorts().read(1, 1); }

    byte[] readData(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = (byte) inb();
        return out;
    }

    byte[] readItem(int key, int n) {
        select(key);
        return readData(n);
    }

    /** Writes an FWCfgDmaAccess at {@code descriptor}, triggers it with one outl to 0x518, returns the control word read back. */
    int dma(long descriptor, int control, long length, long address) {
        writeDescriptor(descriptor, control, length, address);
        trigger(descriptor);
        return memory.slice(descriptor, 4).get(GuestMemory.U32_BE, 0);
    }

    void writeDescriptor(long descriptor, int control, long length, long address) {
        MemorySegment d = memory.slice(descriptor, 16);
        d.set(GuestMemory.U32_BE, 0, control);
        d.set(GuestMemory.U32_BE, 4, (int) length);
        d.set(GuestMemory.U64_BE, 8, address);
    }

    /** Firmware writes cpu_to_be32(address) with outl, so the port sees the byte-swapped value. */
    void trigger(long descriptor) {
        if ((descriptor >>> 32) != 0) device.dmaPorts().write(0, 4, Integer.reverseBytes((int) (descriptor >>> 32)));
        device.dmaPorts().write(4, 4, Integer.toUnsignedLong(Integer.reverseBytes((int) descriptor)));
    }

    byte[] ramBytes(long gpa, int n) { return memory.readBytes(gpa, n); }

    void fillRam(long gpa, int n, int value) { memory.fill(gpa, n, (byte) value); }

    static int u32le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static int u32be(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    static int u16be(byte[] b, int at) { return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff); }

    static byte[] bytes(MemorySegment s) { return s.toArray(ValueLayout.JAVA_BYTE); }
}
