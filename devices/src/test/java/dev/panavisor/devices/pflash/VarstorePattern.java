package dev.panavisor.devices.pflash;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Block contents that name their block and generation and cannot be mistaken for a mix of two. */
final class VarstorePattern {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private VarstorePattern() {}

    static void fill(MemorySegment s, int block, long generation) {
        s.set(U64, 0, generation);
        s.set(U64, 8, block);
        SplittableRandom r = new SplittableRandom(generation * 1_000_003L + block);
        for (long i = 16; i < s.byteSize(); i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
    }

    /** The generation {@code s} holds in full for {@code block}, or -1 if it is not one whole pattern. */
    static long generationOf(MemorySegment s, int block, MemorySegment scratch) {
        long generation = s.get(U64, 0);
        if (s.get(U64, 8) != block || generation < 0) return -1;
        fill(scratch, block, generation);
        return s.mismatch(scratch) == -1 ? generation : -1;
    }
}
