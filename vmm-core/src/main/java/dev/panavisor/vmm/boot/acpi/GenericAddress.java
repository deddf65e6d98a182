package dev.panavisor.vmm.boot.acpi;

/**
 * ACPI §5.2.3.2 Generic Address Structure (12 bytes): where a register lives.
 *
 * @param addressSpace 0 system memory, 1 system I/O (Table 5.1)
 * @param bitWidth     register width in bits
 * @param bitOffset    offset of the register within the addressed unit
 * @param accessSize   0 undefined, 1 byte, 2 word, 3 dword, 4 qword
 * @param address      port number or physical address
 */
public record GenericAddress(int addressSpace, int bitWidth, int bitOffset, int accessSize, long address) {
    public static final int SIZE = 12;
    public static final int SYSTEM_MEMORY = 0;
    public static final int SYSTEM_IO = 1;
    public static final int ACCESS_BYTE = 1;

    /** The all-zero structure: "register not present". */
    public static final GenericAddress NONE = new GenericAddress(0, 0, 0, 0, 0);

    public GenericAddress {
        if (addressSpace < 0 || addressSpace > 0xFF || bitWidth < 0 || bitWidth > 0xFF || bitOffset < 0 || bitOffset > 0xFF
                || accessSize < 0 || accessSize > 4) {
            throw new IllegalArgumentException("invalid generic address " + addressSpace + "/" + bitWidth + "/" + bitOffset + "/" + accessSize);
        }
    }

    /**
     * Whether this is {@link #NONE}. Compared field by field, not with the record's
     * {@code equals}: that one is bootstrapped through invokedynamic on first use, a few
     * milliseconds on every microVM's start-up path (the FADT is built before the first entry).
     */
    public boolean isNone() {
        return addressSpace == 0 && bitWidth == 0 && bitOffset == 0 && accessSize == 0 && address == 0;
    }

    /** An 8-bit register at I/O port {@code port}, accessed bytewise. */
    public static GenericAddress ioPort8(int port) {
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("I/O port out of range: " + port);
        return new GenericAddress(SYSTEM_IO, 8, 0, ACCESS_BYTE, port);
    }

    void writeTo(TableBuffer b, int offset) {
        b.u8(offset, addressSpace).u8(offset + 1, bitWidth).u8(offset + 2, bitOffset).u8(offset + 3, accessSize)
                .u64(offset + 4, address);
    }
}
