package dev.panavisor.vmm.boot.acpi;

/**
 * Frames a table body with the 36-byte System Description Table Header of ACPI §5.2.6:
 * signature, length, revision, checksum (offset 9), OEM ID, OEM table ID, OEM revision,
 * creator ID and creator revision.
 */
final class SystemDescriptionTable {
    static final int HEADER_SIZE = 36;
    static final int LENGTH_OFFSET = 4;
    static final int REVISION_OFFSET = 8;
    static final int CHECKSUM_OFFSET = 9;

    private SystemDescriptionTable() { }

    /** A buffer of {@code length} bytes with the header filled in except the checksum. */
    static TableBuffer start(String signature, int length, int revision, OemIdentity oem) {
        if (signature.length() != 4) throw new IllegalArgumentException("signature must be 4 characters: " + signature);
        if (length < HEADER_SIZE) throw new IllegalArgumentException("table shorter than its header: " + length);
        return new TableBuffer(length)
                .ascii(0, signature, 4)
                .u32(LENGTH_OFFSET, length)
                .u8(REVISION_OFFSET, revision)
                .ascii(10, oem.oemId(), 6)
                .ascii(16, oem.oemTableId(), 8)
                .u32(24, oem.oemRevision())
                .ascii(28, oem.creatorId(), 4)
                .u32(32, oem.creatorRevision());
    }

    /** Sets the checksum so the whole table sums to zero, and returns its bytes. */
    static byte[] finish(TableBuffer table) {
        byte[] b = table.array();
        b[CHECKSUM_OFFSET] = 0;
        b[CHECKSUM_OFFSET] = AcpiChecksum.complement(b, 0, b.length);
        return b;
    }
}
