package dev.panavisor.firmware.ovmf;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

/**
 * Whatever the bytes, reading OVMF metadata either succeeds or throws OvmfFormatException: no
 * IndexOutOfBoundsException, no huge allocation, no other exception. The inputs are
 * well-formed images with a few bytes overwritten, which reach much deeper than random bytes.
 */
class OvmfImageFuzzTest {
    private static final byte[] VALID = validImage();

    @Property(tries = 3000)
    void corruptedImagesFailOnlyWithOvmfFormatException(@ForAll("corruptions") List<int[]> edits) {
        byte[] image = VALID.clone();
        for (int[] edit : edits) image[edit[0]] = (byte) edit[1];
        readEverything(image);
    }

    @Property(tries = 300)
    void randomBytesFailOnlyWithOvmfFormatException(@ForAll @IntRange(min = 0, max = 300) int size,
                                                    @ForAll("seeds") long seed) {
        byte[] image = new byte[size];
        new java.util.Random(seed).nextBytes(image);
        readEverything(image);
    }

    @Provide
    Arbitrary<List<int[]>> corruptions() {
        // Bias edits toward the metadata and the table at the end, where the parser looks.
        Arbitrary<Integer> where = Arbitraries.oneOf(
                Arbitraries.integers().between(VALID.length - 200, VALID.length - 1),
                Arbitraries.integers().between(0x1000, 0x1000 + 80),
                Arbitraries.integers().between(0x2000, 0x2000 + 120));
        Arbitrary<Integer> value = Arbitraries.oneOf(Arbitraries.integers().between(0, 255), Arbitraries.of(0, 0xff, 0x10, 0x80));
        return Combinators.combine(where, value).as((w, v) -> new int[] {w, v})
                .list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    private static void readEverything(byte[] bytes) {
        try {
            OvmfImage ovmf = TestImages.ovmf(bytes);
            for (OvmfTableEntry e : ovmf.tableEntries()) e.data();
            ovmf.findSevEsResetBlock();
            ovmf.findSevHashTableBlock();
            ovmf.findSevSecretBlock();
            tolerate(ovmf::findSevMetadata);
            tolerate(ovmf::findTdvfMetadata);
        } catch (OvmfFormatException expected) {
            // a clear rejection is the right outcome
        }
    }

    private static void tolerate(Runnable r) {
        try {
            r.run();
        } catch (OvmfFormatException expected) {
            // fine
        }
    }

    private static byte[] validImage() {
        long[] bfv = {0x3000, 0x1000, 0xffffc000L, 0x1000, 0, 1};
        long[] hob = {0, 0, 0x809000, 0x2000, 2, 0};
        return new TestImages(0x4000)
                .put(0x1000, TestImages.sevMetadata(-1, 1, 0x800000, 0x9000, 1, 0x80d000, 0x1000, 2, 0x80e000, 0x1000, 3))
                .put(0x2000, TestImages.tdvfMetadata(bfv, hob))
                .u32Entry(OvmfTableGuids.TDX_METADATA_OFFSET, 0x2000)
                .u32Entry(OvmfTableGuids.SEV_METADATA_OFFSET, 0x3000)
                .u32Entry(OvmfTableGuids.SEV_HASH_TABLE_BLOCK, 0x810c00, 0x400)
                .u32Entry(OvmfTableGuids.SEV_SECRET_BLOCK, 0x810000, 0xc00)
                .u32Entry(OvmfTableGuids.SEV_ES_RESET_BLOCK, 0x80b004)
                .build();
    }
}
