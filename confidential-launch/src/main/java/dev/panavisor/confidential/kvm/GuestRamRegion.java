package dev.panavisor.confidential.kvm;

import java.lang.foreign.MemorySegment;

/**
 * One RAM region of a confidential guest: memslot {@code slot} at {@code gpa}, its shared
 * (host-visible) view in {@code sharedMemory}, a native segment the VMM owns. The backend gives
 * it a guest_memfd for the private view, so re-registering RAM for a fresh launch copies nothing.
 */
public record GuestRamRegion(int slot, long gpa, MemorySegment sharedMemory) {
    public GuestRamRegion {
        if (sharedMemory == null) throw new NullPointerException("sharedMemory");
        if (!sharedMemory.isNative()) throw new IllegalArgumentException("guest RAM must be native memory");
        if (gpa % 4096 != 0 || sharedMemory.byteSize() % 4096 != 0 || sharedMemory.byteSize() == 0) {
            throw new IllegalArgumentException(String.format("RAM region at 0x%x, 0x%x bytes: not whole 4 KiB pages",
                    gpa, sharedMemory.byteSize()));
        }
    }

    public long size() {
        return sharedMemory.byteSize();
    }

    public boolean contains(long start, long length) {
        return start >= gpa && length >= 0 && start - gpa <= size() - length;
    }
}
