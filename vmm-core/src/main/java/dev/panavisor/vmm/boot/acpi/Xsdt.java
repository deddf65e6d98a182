package dev.panavisor.vmm.boot.acpi;

import java.util.List;

/** ACPI §5.2.8 Extended System Description Table: the header, then one 64-bit address per table. */
public final class Xsdt {
    public static final String SIGNATURE = "XSDT";
    public static final int REVISION = 1;

    private Xsdt() { }

    public static int size(int tables) { return SystemDescriptionTable.HEADER_SIZE + 8 * tables; }

    public static byte[] encode(OemIdentity oem, List<Long> tableAddresses) {
        TableBuffer t = SystemDescriptionTable.start(SIGNATURE, size(tableAddresses.size()), REVISION, oem);
        for (int i = 0; i < tableAddresses.size(); i++) {
            t.u64(SystemDescriptionTable.HEADER_SIZE + 8 * i, tableAddresses.get(i));
        }
        return SystemDescriptionTable.finish(t);
    }
}
