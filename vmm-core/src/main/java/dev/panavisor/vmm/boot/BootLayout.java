package dev.panavisor.vmm.boot;

/**
 * Where the VMM puts boot structures in low guest memory for a direct Linux boot. All of it
 * lies in RAM the e820 map reports as usable except the MP and ACPI tables, which sit in the
 * reserved BIOS area so the guest never reuses them before reading them.
 */
public final class BootLayout {
    private BootLayout() {}

    /** Flat GDT (see {@link BootGdt}). */
    public static final long GDT = 0x500;
    /** An empty IDT: the kernel installs its own before enabling interrupts. */
    public static final long IDT = 0x540;
    /** PVH hvm_start_info, followed by its memory map and module list. */
    public static final long PVH_START_INFO = 0x6000;
    /** struct boot_params, the "zero page". */
    public static final long ZERO_PAGE = 0x7000;
    /** Initial stack top for the boot CPU; the kernel switches to its own at once. */
    public static final long BOOT_STACK_TOP = 0x8FF0;
    /** PML4, PDPT and four page directories: identity map of the first 4 GiB. */
    public static final long PAGE_TABLES = 0x9000;
    /** Kernel command line, NUL-terminated. */
    public static final long COMMAND_LINE = 0x20000;
    public static final long COMMAND_LINE_MAX = 0x10000;
    /** MP floating pointer and configuration table (Intel MP spec 1.4), in the reserved BIOS area. */
    public static final long MP_TABLE = 0xF0000;
    public static final long MP_TABLE_MAX = 0x8000;
    /** Room for ACPI tables, RSDP included (its legacy search range is 0xE0000-0xFFFFF). */
    public static final long ACPI_TABLES = 0xE0000;
    public static final long ACPI_TABLES_MAX = 0x10000;
}
