package dev.panavisor.firmware.ovmf;

/**
 * The guest area where the hypervisor places the table of kernel, initrd and command-line
 * hashes for a measured direct boot (OVMF's "SEV hash table block"). Builds without measured
 * direct boot (e.g. the plain OvmfPkgX64 build) carry the entry with base and size zero.
 */
public record SevHashTableBlock(long base, long size) {
    static SevHashTableBlock read(OvmfTableEntry entry) {
        return new SevHashTableBlock(entry.u32(0, "SEV hash table base"), entry.u32(4, "SEV hash table size"));
    }

    /** Whether the firmware reserved an area at all; QEMU treats base 0 as "not supported". */
    public boolean isReserved() {
        return base != 0 && size != 0;
    }
}
