package dev.panavisor.vmm.bus;

/**
 * A device's view of one address range on a bus (port I/O or MMIO). The bus hands it
 * offsets relative to the start of the range it registered, never raw addresses or
 * KVM exits, so a device knows nothing about where it is mapped or how accesses arrive.
 *
 * <p>An access is delivered when its first byte is in the device's range, so
 * {@code offset + size} may run past the range's end; devices decide what such a
 * wide access means (most split it into their registers or ignore the excess).
 *
 * <p>Accesses come from vCPU threads, possibly several at once; a device that keeps
 * state must make its own accesses safe. Both methods are on the exit hot path: they
 * must not block on I/O and should not allocate.
 */
public interface BusDevice {
    /**
     * Reads {@code size} bytes (1, 2, 4 or 8) at {@code offset}; the value is returned
     * zero-extended, little-endian as x86 sees it. Unimplemented registers read as all ones
     * or zero, per the device's datasheet; they must not throw.
     */
    long read(long offset, int size);

    /** Writes the low {@code size} bytes of {@code value} at {@code offset}. Must not throw for guest mistakes. */
    void write(long offset, int size, long value);
}
