package dev.panavisor.devices.vmfwupdate;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for the launcher's IGVM inspector (devices cannot see firmware-loader): a tiny test
 * format with the IGVM magic, a u32 count, then {u64 gpa, u64 size} per range the image deploys.
 * Anything else is refused, so tests can stage valid, unparsable and self-overlapping images.
 */
final class FakeIgvmInspector implements StagedImageInspector {
    static final int MAGIC = 0x4D564749; // "IGVM" read as a little-endian u32, as real IGVM files start
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    int calls;

    @Override
    public Inspection inspect(ImageFormat format, long gpa, MemorySegment image) {
        calls++;
        if (image.byteSize() < 8 || image.get(U32, 0) != MAGIC) return StagedImageInspector.refused("no IGVM magic");
        long count = Integer.toUnsignedLong(image.get(U32, 4));
        if (count > (image.byteSize() - 8) / 16) return StagedImageInspector.refused("range table runs past the image");
        List<GpaRange> ranges = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = image.get(U64, 8 + 16L * i);
            long size = image.get(U64, 16 + 16L * i);
            if (size == 0 || GpaRange.wraps(start, size)) return StagedImageInspector.refused("bad range " + i);
            ranges.add(new GpaRange(start, size));
        }
        return StagedImageInspector.deploys(ranges);
    }

    /** A valid image deploying {@code ranges} ({gpa, size} pairs), padded to {@code size} bytes. */
    static byte[] image(int size, long... ranges) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(ranges.length / 2);
        for (long r : ranges) b.putLong(r);
        return b.array();
    }
}
