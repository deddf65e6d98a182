package dev.panavisor.vmm.boot.acpi;

/** ACPI §5.2.5.3 and §5.2.6: a table's bytes, its checksum byte included, sum to zero modulo 256. */
public final class AcpiChecksum {
    private AcpiChecksum() { }

    /** The byte that makes {@code bytes[from, to)} sum to zero when stored in a byte of that range that now holds 0. */
    public static byte complement(byte[] bytes, int from, int to) {
        return (byte) -sum(bytes, from, to);
    }

    /** The sum of {@code bytes[from, to)} modulo 256; 0 for a valid table. */
    public static int sum(byte[] bytes, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) s += bytes[i];
        return s & 0xFF;
    }
}
