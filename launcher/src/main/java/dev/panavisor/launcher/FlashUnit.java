package dev.panavisor.launcher;

import dev.panavisor.devices.pflash.FlashBacking;
import dev.panavisor.devices.pflash.FlashIdentity;
import dev.panavisor.devices.pflash.JournaledImageFile;
import dev.panavisor.devices.pflash.PflashCfi01;
import dev.panavisor.kvm.Mapping;
import dev.panavisor.vmm.memory.RomDeviceMapping;
import dev.panavisor.vmm.vm.Vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One firmware flash unit of the pc machine: the image file, the host memory the guest
 * reads it from, its backing store and the CFI device, mapped at {@code base}.
 */
final class FlashUnit implements AutoCloseable {
    private final Path file;
    private final Mapping memory;
    private final FlashBacking backing;
    private PflashCfi01 device;

    private FlashUnit(Path file, Mapping memory, FlashBacking backing) {
        this.file = file;
        this.memory = memory;
        this.backing = backing;
    }

    /** Loads {@code file}; a writable unit journals its changes back into it. */
    static FlashUnit load(Path file, boolean writable) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("firmware image " + file + " does not exist or is not a file");
        if (writable && !Files.isWritable(file)) throw new IOException("flash image " + file + " must be writable");
        JournaledImageFile journaled = writable ? JournaledImageFile.open(file) : null;
        try {
            long size = writable ? journaled.size() : Files.size(file);
            if (size == 0 || size % PflashCfi01.PC_BLOCK_BYTES != 0) {
                throw new IOException(file + " is " + size + " bytes, not a non-zero multiple of " + PflashCfi01.PC_BLOCK_BYTES);
            }
            Mapping m = Mapping.anonymous(size);
            try {
                if (writable) {
                    journaled.readInto(m.segment());
                } else {
                    MemorySegment.copy(MemorySegment.ofArray(Files.readAllBytes(file)), 0, m.segment(), 0, size);
                }
            } catch (IOException | RuntimeException e) {
                m.close();
                throw e;
            }
            return new FlashUnit(file, m, writable ? journaled : FlashBacking.VOLATILE);
        } catch (IOException | RuntimeException e) {
            if (journaled != null) journaled.close();
            throw e;
        }
    }

    /** A volatile unit of {@code size} erased bytes, for a VM whose firmware comes from an IGVM launch. */
    static FlashUnit blank(long size) {
        if (size <= 0 || size % PflashCfi01.PC_BLOCK_BYTES != 0) {
            throw new IllegalArgumentException("firmware region of " + size + " bytes is not a multiple of " + PflashCfi01.PC_BLOCK_BYTES);
        }
        Mapping m = Mapping.anonymous(size);
        m.segment().fill((byte) 0xFF);
        return new FlashUnit(Path.of("(igvm firmware region)"), m, FlashBacking.VOLATILE);
    }

    long size() { return memory.length(); }
    MemorySegment contents() { return memory.segment(); }
    Path file() { return file; }
    PflashCfi01 device() { return device; }

    /** Maps the unit at {@code base} of {@code vm}: KVM serves reads, the device sees commands. */
    void attach(Vm vm, String name, long base, java.util.function.UnaryOperator<dev.panavisor.vmm.bus.BusDevice> observe) {
        RomDeviceMapping window = vm.mapRomDevice(name, base, memory.segment());
        device = new PflashCfi01(name, memory.segment(), PflashCfi01.PC_BLOCK_BYTES, backing == FlashBacking.VOLATILE,
                window, backing, FlashIdentity.QEMU_PC);
        vm.mmio().register(base, size(), observe.apply(device), name);
    }

    /** Saves what the guest changed; call with the vCPUs stopped, before the VM goes away. */
    @Override
    public void close() {
        try {
            if (device != null) device.flush();
            backing.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing flash image " + file, e);
        } finally {
            memory.close();
        }
    }
}
