package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32;

/**
 * The IGVM checksum: CRC32 (IEEE) over the fixed header with its checksum field taken as zero,
 * followed by the variable header area. File data and any gap before the variable header are not
 * covered, which is why the reader bounds-checks every file offset separately.
 */
final class HeaderChecksum {
    private static final int CHUNK = 1 << 20;

    private HeaderChecksum() {}

    static int compute(MemorySegment image, IgvmFixedHeader header) {
        CRC32 crc = new CRC32();
        byte[] fixed = image.asSlice(0, header.size()).toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < 4; i++) {
            fixed[(int) IgvmFixedHeader.CHECKSUM_OFFSET + i] = 0;
        }
        crc.update(fixed);
        MemorySegment variable = image.asSlice(header.variableHeaderOffset(), header.variableHeaderSize());
        // asByteBuffer() refuses segments over 2 GiB, and a u32 size can exceed that.
        for (long done = 0; done < variable.byteSize(); done += CHUNK) {
            long n = Math.min(CHUNK, variable.byteSize() - done);
            crc.update(variable.asSlice(done, n).asByteBuffer());
        }
        return (int) crc.getValue();
    }
}
