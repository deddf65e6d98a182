package dev.panavisor.firmware.linux;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.List;

/**
 * Whatever the bytes, parsing a kernel either succeeds or throws LinuxImageFormatException:
 * no index errors, no arithmetic surprises. Inputs are valid images with a few bytes
 * overwritten near the structures the parsers read, and truncations of valid images.
 */
class LinuxImageFuzzTest {
    private static final byte[] BZ = TestKernels.bzImage();
    private static final byte[] ELF = TestKernels.pvhElf(0x1000850);

    @Property(tries = 3000)
    void mutatedBzImagesFailOnlyWithTheFormatException(@ForAll("bzEdits") List<int[]> edits) {
        parseEverything(apply(BZ, edits));
    }

    @Property(tries = 3000)
    void mutatedElfKernelsFailOnlyWithTheFormatException(@ForAll("elfEdits") List<int[]> edits) {
        parseEverything(apply(ELF, edits));
    }

    @Property(tries = 500)
    void truncatedImagesFailOnlyWithTheFormatException(@ForAll @IntRange(min = 0, max = 4096) int length, @ForAll boolean elf) {
        byte[] src = elf ? ELF : BZ;
        parseEverything(Arrays.copyOf(src, Math.min(length, src.length)));
    }

    @Provide
    Arbitrary<List<int[]>> bzEdits() {
        Arbitrary<Integer> where = Arbitraries.oneOf(Arbitraries.integers().between(0x1F1, 0x26B),
                Arbitraries.integers().between(1024 + 0xF8, 1024 + 0x108));
        return edits(where);
    }

    @Provide
    Arbitrary<List<int[]>> elfEdits() {
        Arbitrary<Integer> where = Arbitraries.oneOf(Arbitraries.integers().between(0, 64 + 2 * 56),
                Arbitraries.integers().between(0x200, 0x280));
        return edits(where);
    }

    private static Arbitrary<List<int[]>> edits(Arbitrary<Integer> where) {
        Arbitrary<Integer> value = Arbitraries.oneOf(Arbitraries.integers().between(0, 255), Arbitraries.of(0, 0xFF, 0x7F, 0x80, 0x01));
        return Combinators.combine(where, value).as((w, v) -> new int[] {w, v}).list().ofMinSize(1).ofMaxSize(4);
    }

    private static byte[] apply(byte[] image, List<int[]> edits) {
        byte[] c = image.clone();
        for (int[] e : edits) if (e[0] < c.length) c[e[0]] = (byte) e[1];
        return c;
    }

    private static void parseEverything(byte[] image) {
        try {
            KernelImage k = KernelImage.parse(image);
            switch (k) {
                case BzImage bz -> {
                    bz.headerBytes();
                    bz.payload();
                    bz.payloadCompression();
                }
                case PvhElfKernel elf -> {
                    for (LoadSegment s : elf.segments()) elf.contents(s);
                }
            }
        } catch (LinuxImageFormatException expected) {
            // a clear rejection is the right outcome
        }
    }
}
