package dev.panavisor.vmm.boot.acpi;

/**
 * ACPI §5.2.11.1 Differentiated System Description Table: the header and one AML definition
 * block. Revision 2, so AML integers are 64 bits wide. Ours declares only {@code \_S5}
 * (§7.4.2.5), the package that tells OSPM which SLP_TYP value means "soft off".
 */
public final class Dsdt {
    public static final String SIGNATURE = "DSDT";
    public static final int REVISION = 2;

    private Dsdt() { }

    /** {@code Name (_S5, Package () { slpTyp, 0 })}: SLP_TYPa for S5, and the unused SLP_TYPb. */
    public static byte[] s5(int slpTyp) {
        if (slpTyp < 0 || slpTyp > 7) throw new IllegalArgumentException("SLP_TYP is 3 bits: " + slpTyp);
        return Aml.name("_S5_", Aml.packageOf(Aml.integer(slpTyp), Aml.integer(0)));
    }

    public static byte[] encode(OemIdentity oem, byte[] aml) {
        TableBuffer t = SystemDescriptionTable.start(SIGNATURE, SystemDescriptionTable.HEADER_SIZE + aml.length, REVISION, oem)
                .bytes(SystemDescriptionTable.HEADER_SIZE, aml);
        return SystemDescriptionTable.finish(t);
    }
}
