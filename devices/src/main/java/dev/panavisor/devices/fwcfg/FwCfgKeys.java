package dev.panavisor.devices.fwcfg;

/**
 * Selector keys of QEMU's fw-cfg interface (docs/specs/fw_cfg.rst, "Firmware Configuration
 * Items" and "Ranges"; the numbered list lives in QEMU's include/standard-headers/linux/qemu_fw_cfg.h).
 *
 * <p>A key is 16 bits: bit 15 says "architecture specific", bit 14 is the historical
 * write channel (ignored since QEMU 2.4: writes go through DMA and writability belongs to the
 * item), and the low 14 bits index one of two tables. Keys from {@link #FILE_FIRST} up are
 * files listed in the directory {@link #FILE_DIR}; firmware finds them by name, never by number.
 */
public final class FwCfgKeys {
    private FwCfgKeys() {}

    public static final int SIGNATURE = 0x00;
    public static final int ID = 0x01;
    public static final int UUID = 0x02;
    public static final int RAM_SIZE = 0x03;
    public static final int NOGRAPHIC = 0x04;
    public static final int NB_CPUS = 0x05;
    public static final int MACHINE_ID = 0x06;
    public static final int KERNEL_ADDR = 0x07;
    public static final int KERNEL_SIZE = 0x08;
    public static final int KERNEL_CMDLINE = 0x09;
    public static final int INITRD_ADDR = 0x0a;
    public static final int INITRD_SIZE = 0x0b;
    public static final int BOOT_DEVICE = 0x0c;
    public static final int NUMA = 0x0d;
    public static final int BOOT_MENU = 0x0e;
    public static final int MAX_CPUS = 0x0f;
    public static final int KERNEL_ENTRY = 0x10;
    public static final int KERNEL_DATA = 0x11;
    public static final int INITRD_DATA = 0x12;
    public static final int CMDLINE_ADDR = 0x13;
    public static final int CMDLINE_SIZE = 0x14;
    public static final int CMDLINE_DATA = 0x15;
    public static final int SETUP_ADDR = 0x16;
    public static final int SETUP_SIZE = 0x17;
    public static final int SETUP_DATA = 0x18;
    public static final int FILE_DIR = 0x19;

    /** First key handed to a named file; files get consecutive keys in name order. */
    public static final int FILE_FIRST = 0x20;

    public static final int WRITE_CHANNEL = 0x4000;
    public static final int ARCH_LOCAL = 0x8000;
    /** The bits that index an item table once the two flag bits are removed. */
    public static final int ENTRY_MASK = 0x3fff;

    /** x86 architecture items (QEMU's hw/i386/fw_cfg.h). */
    public static final int X86_ACPI_TABLES = ARCH_LOCAL;
    public static final int X86_SMBIOS_ENTRIES = ARCH_LOCAL + 1;
    public static final int X86_IRQ0_OVERRIDE = ARCH_LOCAL + 2;
    public static final int X86_E820_TABLE = ARCH_LOCAL + 3;
    public static final int X86_HPET = ARCH_LOCAL + 4;

    /** FW_CFG_ID feature bits. */
    public static final int ID_TRADITIONAL = 0x01;
    public static final int ID_DMA = 0x02;

    /** Most files firmware can address: keys FILE_FIRST..0x3fff of the generic table. */
    public static final int MAX_FILES = ENTRY_MASK + 1 - FILE_FIRST;

    /** The table slot a key selects, ignoring the write-channel bit, as QEMU does. */
    static int slot(int key) {
        return ((key & ARCH_LOCAL) != 0 ? ENTRY_MASK + 1 : 0) + (key & ENTRY_MASK);
    }

    static final int SLOTS = 2 * (ENTRY_MASK + 1);
}
