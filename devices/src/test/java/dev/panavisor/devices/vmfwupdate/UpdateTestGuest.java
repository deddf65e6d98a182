package dev.panavisor.devices.vmfwupdate;

import dev.panavisor.devices.fwcfg.FwCfgBuilder;
import dev.panavisor.devices.fwcfg.FwCfgDevice;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Consumer;

/**
 * A guest without KVM for the update interfaces: 16 MiB of RAM at 0 (inside host guard pages that
 * tests check stay untouched), a 256 KiB read-only firmware region ending at 4 GiB, the fw-cfg
 * device with both front ends, driven only through the fw-cfg ports and DMA as firmware would.
 */
final class UpdateTestGuest implements AutoCloseable {
    static final long RAM_SIZE = 16L << 20;
    static final long ROM_SIZE = 256 * 1024;
    static final long ROM_BASE = (1L << 32) - ROM_SIZE;
    static final int GUARD = 0x2000;
    /** Where the tests' "firmware" keeps its DMA descriptor and its bounce buffer. */
    static final long DESCRIPTOR = 0x1000;
    static final long BUFFER = 0x2000;

    static final int DMA_ERROR = 1, DMA_READ = 2, DMA_SKIP = 4, DMA_SELECT = 8, DMA_WRITE = 16;

    final Arena arena = Arena.ofShared();
    final MemorySegment ramBacking = arena.allocate(RAM_SIZE + 2 * GUARD, 4096);
    final MemorySegment ram = ramBacking.asSlice(GUARD, RAM_SIZE);
    final MemorySegment rom = arena.allocate(ROM_SIZE, 4096);
    final GuestMemory memory = new GuestMemory(List.of(
            new GuestRegion("ram", 0, ram, false, -1),
            new GuestRegion("firmware", ROM_BASE, rom, true, -1)));
    final FirmwareUpdateEngine engine;
    final FwCfgDevice device;
    final VmLaunchUpdateFile launchUpdate;
    final VmFwUpdateFiles v6;

    UpdateTestGuest(Consumer<FirmwareUpdateEngine.Builder> config) {
        ramBacking.fill((byte) 0xA5);
        ram.fill((byte) 0);
        FirmwareUpdateEngine.Builder b = FirmwareUpdateEngine.builder(memory).platformRom(ROM_SIZE).igvm(new FakeIgvmInspector());
        config.accept(b);
        engine = b.build();
        FwCfgBuilder fw = FwCfgDevice.builder();
        launchUpdate = VmLaunchUpdateFile.addTo(fw, engine);
        v6 = engine.platformRom() != null ? VmFwUpdateFiles.addTo(fw, engine) : null;
        device = fw.build(memory);
    }

    UpdateTestGuest() { this(b -> {}); }

    @Override public void close() { arena.close(); }

    // ---- fw-cfg as firmware drives it ----

    /** One DMA transfer; returns the control word the device left in the descriptor. */
    int dma(int control, long length, long address) {
        MemorySegment d = memory.slice(DESCRIPTOR, 16);
        d.set(GuestMemory.U32_BE, 0, control);
        d.set(GuestMemory.U32_BE, 4, (int) length);
        d.set(GuestMemory.U64_BE, 8, address);
        device.dmaPorts().write(4, 4, Integer.toUnsignedLong(Integer.reverseBytes((int) DESCRIPTOR)));
        return d.get(GuestMemory.U32_BE, 0);
    }

    int key(String file) {
        int key = device.keyOf(file);
        if (key < 0) throw new IllegalArgumentException("no fw-cfg file " + file);
        return key;
    }

    /** Writes {@code bytes} into {@code file} at {@code offset}: select and skip, then write from the buffer. Returns the final control word. */
    int write(String file, long offset, byte[] bytes) {
        memory.write(BUFFER, bytes);
        if (offset > 0) {
            int c = dma(key(file) << 16 | DMA_SELECT | DMA_SKIP, offset, 0);
            if (c != 0) return c;
            return dma(DMA_WRITE, bytes.length, BUFFER);
        }
        return dma(key(file) << 16 | DMA_SELECT | DMA_WRITE, bytes.length, BUFFER);
    }

    int write(String file, byte[] bytes) { return write(file, 0, bytes); }

    /** Reads {@code length} bytes of {@code file} by DMA into the buffer. */
    byte[] read(String file, int length) {
        int c = dma(key(file) << 16 | DMA_SELECT | DMA_READ, length, BUFFER);
        if (c != 0) throw new AssertionError("DMA read of " + file + " failed: " + c);
        return memory.readBytes(BUFFER, length);
    }

    /** Reads {@code file} through the selector and data ports, byte by byte. */
    byte[] readByPorts(String file, int length) {
        device.controlPorts().write(0, 2, key(file));
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) out[i] = (byte) device.controlPorts().read(1, 1);
        return out;
    }

    // ---- etc/vmlaunchupdate ----

    LaunchUpdate readLaunchUpdate() { return LaunchUpdate.parse(read(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.SIZE)); }

    /** Writes the whole struct (what QEMU's qtest and real guests do) and reads it back. */
    LaunchUpdate writeLaunchUpdate(LaunchUpdate request) {
        int c = write(VmLaunchUpdateFile.NAME, request.bytes());
        if (c != 0) throw new AssertionError("DMA write failed: " + c);
        return readLaunchUpdate();
    }

    /** Puts {@code image} in guest RAM at {@code gpa}. */
    void place(long gpa, byte[] image) { memory.write(gpa, image); }

    static byte[] u64(long v) { return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(); }

    static long u64(byte[] b, int at) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at); }

    byte[] guards() {
        byte[] low = ramBacking.asSlice(0, GUARD).toArray(ValueLayout.JAVA_BYTE);
        byte[] high = ramBacking.asSlice(GUARD + RAM_SIZE, GUARD).toArray(ValueLayout.JAVA_BYTE);
        byte[] both = new byte[2 * GUARD];
        System.arraycopy(low, 0, both, 0, GUARD);
        System.arraycopy(high, 0, both, GUARD, GUARD);
        return both;
    }

    /** The etc/vmlaunchupdate struct as the guest sees it. */
    record LaunchUpdate(int version, int status, int padding, long capabilities, long control,
                        long fwImageAddr, long fwImageSize, long opaqueAddr, long opaqueSize) {
        static LaunchUpdate request(long control, long addr, long size) {
            return new LaunchUpdate(0, 0, 0, 0, control, addr, size, 0, 0);
        }

        LaunchUpdate withOpaque(long addr, long size) {
            return new LaunchUpdate(version, status, padding, capabilities, control, fwImageAddr, fwImageSize, addr, size);
        }

        byte[] bytes() {
            return ByteBuffer.allocate(VmLaunchUpdateFile.SIZE).order(ByteOrder.LITTLE_ENDIAN)
                    .putShort((short) version).putShort((short) status).putInt(padding)
                    .putLong(capabilities).putLong(control).putLong(fwImageAddr).putLong(fwImageSize)
                    .putLong(opaqueAddr).putLong(opaqueSize).array();
        }

        static LaunchUpdate parse(byte[] b) {
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            return new LaunchUpdate(Short.toUnsignedInt(bb.getShort()), Short.toUnsignedInt(bb.getShort()), bb.getInt(),
                    bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
        }
    }
}
