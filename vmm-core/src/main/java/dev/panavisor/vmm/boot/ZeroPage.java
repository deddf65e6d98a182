package dev.panavisor.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * struct boot_params (the "zero page") for the 64-bit boot protocol, built per
 * Documentation/arch/x86/boot.rst ("64-bit Boot Protocol", "Details of Header Fields")
 * and zero-page.rst. Starts all-zero, takes the kernel's setup header as-is, then the
 * loader's fields are written over it.
 */
public final class ZeroPage {
    public static final int SIZE = 4096;
    // zero-page.rst offsets
    static final int ACPI_RSDP_ADDR = 0x070;
    static final int EXT_RAMDISK_IMAGE = 0x0C0;
    static final int EXT_RAMDISK_SIZE = 0x0C4;
    static final int EXT_CMD_LINE_PTR = 0x0C8;
    static final int E820_ENTRIES = 0x1E8;
    static final int SETUP_HEADER = 0x1F1;
    /** The setup header area ends where edd_mbr_sig_buffer starts. */
    static final int SETUP_HEADER_LIMIT = 0x290;
    static final int E820_TABLE = 0x2D0;
    static final int E820_MAX_ENTRIES = 128;
    static final int E820_ENTRY_SIZE = 20;
    // boot.rst setup header offsets
    static final int VID_MODE = 0x1FA;
    static final int TYPE_OF_LOADER = 0x210;
    static final int RAMDISK_IMAGE = 0x218;
    static final int RAMDISK_SIZE = 0x21C;
    static final int CMD_LINE_PTR = 0x228;

    /** boot.rst, type_of_loader: 0xFF means "undefined", the value for boot loaders without an assigned ID. */
    public static final int LOADER_UNDEFINED = 0xFF;
    /** vid_mode 0xFFFF: "normal" VGA, the kernel asks nothing of video. */
    static final int VID_MODE_NORMAL = 0xFFFF;

    private final ByteBuffer page = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * @param setupHeader the kernel's setup header, bzImage bytes [0x1F1, header end), copied verbatim
     *                    as boot.rst asks so fields the loader does not know still reach the kernel
     */
    public ZeroPage(byte[] setupHeader) {
        if (setupHeader.length > SETUP_HEADER_LIMIT - SETUP_HEADER) {
            throw new IllegalArgumentException("setup header of " + setupHeader.length + " bytes does not fit boot_params");
        }
        page.put(SETUP_HEADER, setupHeader);
        page.put(TYPE_OF_LOADER, (byte) LOADER_UNDEFINED);
        page.putShort(VID_MODE, (short) VID_MODE_NORMAL);
    }

    /** cmd_line_ptr and, for a line above 4 GiB, ext_cmd_line_ptr. */
    public ZeroPage commandLine(long address) {
        page.putInt(CMD_LINE_PTR, (int) address);
        page.putInt(EXT_CMD_LINE_PTR, (int) (address >>> 32));
        return this;
    }

    /** ramdisk_image/ramdisk_size and their ext_* high halves (boot.rst: protocol 2.12+ reads them). */
    public ZeroPage ramdisk(long address, long size) {
        page.putInt(RAMDISK_IMAGE, (int) address);
        page.putInt(RAMDISK_SIZE, (int) size);
        page.putInt(EXT_RAMDISK_IMAGE, (int) (address >>> 32));
        page.putInt(EXT_RAMDISK_SIZE, (int) (size >>> 32));
        return this;
    }

    /** Where the kernel finds the ACPI RSDP, sparing it the search of the BIOS area. */
    public ZeroPage acpiRsdp(long address) {
        page.putLong(ACPI_RSDP_ADDR, address);
        return this;
    }

    public ZeroPage e820(List<E820Entry> entries) {
        if (entries.size() > E820_MAX_ENTRIES) {
            throw new IllegalArgumentException(entries.size() + " e820 entries; boot_params holds " + E820_MAX_ENTRIES);
        }
        page.put(E820_ENTRIES, (byte) entries.size());
        for (int i = 0; i < entries.size(); i++) {
            E820Entry e = entries.get(i);
            int at = E820_TABLE + i * E820_ENTRY_SIZE;
            page.putLong(at, e.address());
            page.putLong(at + 8, e.size());
            page.putInt(at + 16, e.type().code);
        }
        return this;
    }

    public byte[] toBytes() {
        return page.array().clone();
    }
}
