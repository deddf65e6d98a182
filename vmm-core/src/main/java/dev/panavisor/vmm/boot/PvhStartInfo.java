package dev.panavisor.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * struct hvm_start_info (version 1) with its memory map and an optional module list, per
 * Xen's public/arch-x86/hvm/start_info.h, laid out contiguously from one base address:
 * start_info at +0, the memmap table at +0x40, then the module list. Linux's PVH entry reads
 * the memory map from here (it has no other source outside Xen), the command line from
 * cmdline_paddr and the initrd from the first module.
 */
public final class PvhStartInfo {
    /** "xEn3" with the top bit of 'E' set. */
    public static final int MAGIC = 0x336EC578;
    static final int VERSION = 1;
    static final int START_INFO_SIZE = 56;
    static final int MEMMAP_OFFSET = 0x40;
    static final int MEMMAP_ENTRY_SIZE = 24;
    static final int MODLIST_ENTRY_SIZE = 32;

    private final List<E820Entry> memoryMap;
    private long commandLine;
    private long rsdp;
    private long moduleAddress;
    private long moduleSize;

    public PvhStartInfo(List<E820Entry> memoryMap) {
        this.memoryMap = List.copyOf(memoryMap);
    }

    public PvhStartInfo commandLine(long address) { this.commandLine = address; return this; }
    public PvhStartInfo rsdp(long address) { this.rsdp = address; return this; }
    /** The initrd, passed as module 0. */
    public PvhStartInfo ramdisk(long address, long size) { this.moduleAddress = address; this.moduleSize = size; return this; }

    public int byteSize() {
        return MEMMAP_OFFSET + memoryMap.size() * MEMMAP_ENTRY_SIZE + (moduleSize > 0 ? MODLIST_ENTRY_SIZE : 0);
    }

    /** The structures as they go into guest memory at {@code base}. */
    public byte[] toBytes(long base) {
        ByteBuffer b = ByteBuffer.allocate(byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        long memmap = base + MEMMAP_OFFSET;
        long modlist = memmap + (long) memoryMap.size() * MEMMAP_ENTRY_SIZE;
        boolean hasModule = moduleSize > 0;
        b.putInt(0, MAGIC);
        b.putInt(4, VERSION);
        b.putInt(8, 0);                           // flags
        b.putInt(12, hasModule ? 1 : 0);          // nr_modules
        b.putLong(16, hasModule ? modlist : 0);   // modlist_paddr
        b.putLong(24, commandLine);               // cmdline_paddr
        b.putLong(32, rsdp);                      // rsdp_paddr
        b.putLong(40, memmap);                    // memmap_paddr (version 1)
        b.putInt(48, memoryMap.size());           // memmap_entries
        b.putInt(52, 0);                          // reserved
        for (int i = 0; i < memoryMap.size(); i++) {
            E820Entry e = memoryMap.get(i);
            int at = MEMMAP_OFFSET + i * MEMMAP_ENTRY_SIZE;
            b.putLong(at, e.address());
            b.putLong(at + 8, e.size());
            b.putInt(at + 16, e.type().code);     // hvm_memmap_table_entry types equal e820's
        }
        if (hasModule) {
            int at = (int) (modlist - base);
            b.putLong(at, moduleAddress);
            b.putLong(at + 8, moduleSize);
            b.putLong(at + 16, 0);                // no module command line
        }
        return b.array();
    }
}
