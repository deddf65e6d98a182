package dev.panavisor.firmware.linux;

/**
 * The fields of the real-mode kernel header, at their offsets in the bzImage file (which are
 * also their offsets in the zero page), per Documentation/arch/x86/boot.rst, "The real-mode
 * kernel header". Only fields Panavisor reads or writes are listed.
 */
public enum SetupHeaderField {
    SETUP_SECTS(0x1F1, 1),
    SYSSIZE(0x1F4, 4),
    VID_MODE(0x1FA, 2),
    BOOT_FLAG(0x1FE, 2),
    /** The byte at 0x201 (second byte of the jump) gives the header's length: it ends at 0x202 + that byte. */
    JUMP(0x200, 2),
    HEADER(0x202, 4),
    VERSION(0x206, 2),
    TYPE_OF_LOADER(0x210, 1),
    LOADFLAGS(0x211, 1),
    CODE32_START(0x214, 4),
    RAMDISK_IMAGE(0x218, 4),
    RAMDISK_SIZE(0x21C, 4),
    HEAP_END_PTR(0x224, 2),
    CMD_LINE_PTR(0x228, 4),
    INITRD_ADDR_MAX(0x22C, 4),
    KERNEL_ALIGNMENT(0x230, 4),
    RELOCATABLE_KERNEL(0x234, 1),
    MIN_ALIGNMENT(0x235, 1),
    XLOADFLAGS(0x236, 2),
    CMDLINE_SIZE(0x238, 4),
    HARDWARE_SUBARCH(0x23C, 4),
    PAYLOAD_OFFSET(0x248, 4),
    PAYLOAD_LENGTH(0x24C, 4),
    SETUP_DATA(0x250, 8),
    PREF_ADDRESS(0x258, 8),
    INIT_SIZE(0x260, 4),
    HANDOVER_OFFSET(0x264, 4);

    /** Offset in the file and in struct boot_params. */
    public final int offset;
    public final int size;

    SetupHeaderField(int offset, int size) {
        this.offset = offset;
        this.size = size;
    }

    /** The name boot.rst uses, for messages. */
    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Where the setup header starts in the file and in the zero page. */
    public static final int HEADER_START = 0x1F1;
}
