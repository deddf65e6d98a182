package dev.panavisor.vmm.boot;

/**
 * Where the initrd goes: as high as possible in low RAM, page-aligned, with its last byte at or
 * below initrd_addr_max (boot.rst: "the initrd should typically be located as high in memory as
 * possible ... its last byte below initrd_addr_max"), and above everything the kernel occupies.
 */
public final class InitrdPlacement {
    private InitrdPlacement() {}

    static final long PAGE = 4096;

    /**
     * @param size          initrd bytes
     * @param lowRamEnd     end of RAM below the PCI hole
     * @param initrdAddrMax highest address the initrd's last byte may have
     * @param kernelEnd     first address above the kernel's image and the memory it claims (init_size)
     */
    public static long place(long size, long lowRamEnd, long initrdAddrMax, long kernelEnd) {
        if (size <= 0) throw new IllegalArgumentException("initrd is empty");
        long top = Math.min(lowRamEnd, initrdAddrMax + 1);
        long address = (top - size) & ~(PAGE - 1);
        if (top - size < kernelEnd || address < kernelEnd) {
            throw new IllegalArgumentException(String.format(
                    "initrd of %d bytes does not fit between the kernel's end 0x%x and 0x%x; give the guest more memory",
                    size, kernelEnd, top));
        }
        return address;
    }
}
