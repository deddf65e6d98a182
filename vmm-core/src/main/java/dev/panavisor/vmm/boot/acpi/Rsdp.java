package dev.panavisor.vmm.boot.acpi;

/**
 * ACPI §5.2.5.3 Root System Description Pointer, revision 2 (36 bytes). OSPM finds it through the
 * boot protocol (boot_params.acpi_rsdp_addr, PVH start_info.rsdp_paddr) or by scanning
 * 0xE0000-0xFFFFF on 16-byte boundaries (§5.2.5.1) for its signature.
 */
public final class Rsdp {
    public static final int SIZE = 36;
    public static final String SIGNATURE = "RSD PTR ";
    /** Where the legacy scan looks; the RSDP must start on a 16-byte boundary (§5.2.5.1). */
    public static final int ALIGNMENT = 16;

    static final int CHECKSUM_OFFSET = 8;
    static final int OEM_ID_OFFSET = 9;
    static final int REVISION_OFFSET = 15;
    static final int RSDT_ADDRESS_OFFSET = 16;
    static final int LENGTH_OFFSET = 20;
    static final int XSDT_ADDRESS_OFFSET = 24;
    static final int EXTENDED_CHECKSUM_OFFSET = 32;
    /** The first checksum covers the ACPI 1.0 part, bytes 0-19. */
    static final int V1_LENGTH = 20;

    private Rsdp() { }

    /** An RSDP pointing at the XSDT only (the 32-bit RSDT address is 0, as ACPI 2.0+ allows). */
    public static byte[] encode(OemIdentity oem, long xsdtAddress) {
        TableBuffer t = new TableBuffer(SIZE)
                .ascii(0, SIGNATURE, 8)
                .ascii(OEM_ID_OFFSET, oem.oemId(), 6)
                .u8(REVISION_OFFSET, 2)
                .u32(RSDT_ADDRESS_OFFSET, 0)
                .u32(LENGTH_OFFSET, SIZE)
                .u64(XSDT_ADDRESS_OFFSET, xsdtAddress);
        byte[] b = t.array();
        b[CHECKSUM_OFFSET] = AcpiChecksum.complement(b, 0, V1_LENGTH);
        b[EXTENDED_CHECKSUM_OFFSET] = AcpiChecksum.complement(b, 0, SIZE);
        return b;
    }
}
