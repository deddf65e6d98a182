package dev.panavisor.firmware.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** A Linux kernel in one of the forms Panavisor boots directly. */
public sealed interface KernelImage permits BzImage, PvhElfKernel {
    /** The file the image was parsed from (a heap array or a read-only mapping). */
    MemorySegment file();

    /**
     * Recognises the file: an ELF header means an uncompressed vmlinux (booted through its
     * PVH note), anything else is parsed as a bzImage.
     */
    static KernelImage parse(byte[] file) {
        return parse(MemorySegment.ofArray(file));
    }

    /**
     * As {@link #parse(byte[])}, for a file held in a segment (typically a read-only mapping, of
     * which only the headers are read).
     */
    static KernelImage parse(MemorySegment file) {
        if (file.byteSize() >= 4 && file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) == 0x464C457F) {
            return PvhElfKernel.parse(file);
        }
        return BzImage.parse(file);
    }
}
