package dev.panavisor.firmware.igvm;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Guest physical ranges claimed per compatibility-mask bit. Two headers conflict only if they share
 * a platform bit and their ranges intersect; a file may import the same GPA once per platform.
 * Addresses are unsigned 64-bit, so keys compare unsigned.
 */
final class MaskedRangeSet {
    private record Claim(long last, int headerIndex) {}

    private final Map<Integer, TreeMap<Long, Claim>> byBit = new HashMap<>();

    /**
     * Claims [first, last] for every bit of {@code mask}; returns the index of an earlier header that
     * already holds part of it, claiming nothing in that case.
     */
    OptionalInt claim(int mask, long first, long last, int headerIndex) {
        for (int bits = mask; bits != 0; bits &= bits - 1) {
            TreeMap<Long, Claim> claims = byBit.get(Integer.numberOfTrailingZeros(bits));
            if (claims == null) {
                continue;
            }
            var below = claims.floorEntry(first);
            if (below != null && Long.compareUnsigned(below.getValue().last(), first) >= 0) {
                return OptionalInt.of(below.getValue().headerIndex());
            }
            var above = claims.ceilingEntry(first);
            if (above != null && Long.compareUnsigned(above.getKey(), last) <= 0) {
                return OptionalInt.of(above.getValue().headerIndex());
            }
        }
        for (int bits = mask; bits != 0; bits &= bits - 1) {
            byBit.computeIfAbsent(Integer.numberOfTrailingZeros(bits), b -> new TreeMap<>(Long::compareUnsigned))
                    .put(first, new Claim(last, headerIndex));
        }
        return OptionalInt.empty();
    }
}
