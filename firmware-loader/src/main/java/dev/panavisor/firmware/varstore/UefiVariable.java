package dev.panavisor.firmware.varstore;

import dev.panavisor.firmware.ovmf.EfiGuid;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One variable record of the store, as found at {@code offset} in the image.
 *
 * @param state           the record's state byte; see {@link #live()}
 * @param monotonicCount  the authenticated header's MonotonicCount (0 in the plain format)
 */
public record UefiVariable(long offset, EfiGuid vendor, String name, int attributes, int state,
                           long monotonicCount, byte[] data) {
    /** EFI_VARIABLE_NON_VOLATILE, BOOTSERVICE_ACCESS, RUNTIME_ACCESS (UEFI 2.10, 8.2.1). */
    public static final int NON_VOLATILE = 1, BOOTSERVICE_ACCESS = 2, RUNTIME_ACCESS = 4;

    // edk2 VariableFormat.h: a record's state only ever loses bits (flash programs 1s to 0s).
    static final int VAR_IN_DELETED_TRANSITION = 0xFE, VAR_DELETED = 0xFD, VAR_HEADER_VALID_ONLY = 0x7F, VAR_ADDED = 0x3F;

    public UefiVariable {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /**
     * Whether the variable driver would return this record: fully added and not deleted. A
     * record caught in delete transition still counts, as the driver keeps it until the newer
     * copy is complete; {@link UefiVariableStore#find} prefers a fully added record.
     */
    public boolean live() {
        return state == VAR_ADDED || state == (VAR_ADDED & VAR_IN_DELETED_TRANSITION);
    }

    boolean inDeleteTransition() {
        return state == (VAR_ADDED & VAR_IN_DELETED_TRANSITION);
    }

    /** The data as a little-endian unsigned integer of its size (1, 2, 4 or 8 bytes). */
    public long dataAsUnsigned() {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        return switch (data.length) {
            case 1 -> b.get() & 0xFFL;
            case 2 -> b.getShort() & 0xFFFFL;
            case 4 -> b.getInt() & 0xFFFF_FFFFL;
            case 8 -> b.getLong();
            default -> throw new IllegalStateException(name + " holds " + data.length + " bytes, not an integer");
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UefiVariable v && v.offset == offset && v.vendor.equals(vendor) && v.name.equals(name)
                && v.attributes == attributes && v.state == state && v.monotonicCount == monotonicCount && Arrays.equals(v.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + name.hashCode();
    }

    @Override
    public String toString() {
        return String.format("%s:%s attr=0x%x state=0x%02x %d bytes @0x%x", vendor, name, attributes, state, data.length, offset);
    }
}
