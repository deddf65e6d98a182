package dev.panavisor.vmm.boot;

/** Address range types of the e820 map (ACPI spec, "System Address Map Interfaces"), as Linux numbers them. */
public enum E820Type {
    RAM(1), RESERVED(2), ACPI(3), NVS(4), UNUSABLE(5), PMEM(7);

    public final int code;

    E820Type(int code) { this.code = code; }

    /** The word Linux prints for it in "BIOS-e820: [mem ...] <word>". */
    public String linuxName() {
        return switch (this) {
            case RAM -> "usable";
            case RESERVED -> "reserved";
            case ACPI -> "ACPI data";
            case NVS -> "ACPI NVS";
            case UNUSABLE -> "unusable";
            case PMEM -> "persistent (type 7)";
        };
    }
}
