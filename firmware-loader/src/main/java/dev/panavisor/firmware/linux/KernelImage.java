package dev.panavisor.firmware.linux;

/** A Linux kernel in one of the forms Panavisor boots directly. */
public sealed interface KernelImage permits BzImage, PvhElfKernel {
    /**
     * Recognises the file: an ELF header means an uncompressed vmlinux (booted through its
     * PVH note), anything else is parsed as a bzImage.
     */
    static KernelImage parse(byte[] file) {
        if (file.length >= 4 && file[0] == 0x7F && file[1] == 'E' && file[2] == 'L' && file[3] == 'F') {
            return PvhElfKernel.parse(file);
        }
        return BzImage.parse(file);
    }
}
