package dev.panavisor.confidential.launch;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Page-contents digests computed ahead of a launch change nothing in the SNP launch digest
 * (SNP ABI §8.17: PAGE_INFO.CONTENTS is SHA-384 of the page, whoever computes it).
 */
class PageContentDigestsTest {
    private static MemorySegment image(int pages, long seed) {
        byte[] b = new byte[pages * 4096 + 100];
        new Random(seed).nextBytes(b);
        return MemorySegment.ofArray(b);
    }

    private static String launch(SnpMeasuredLaunch l, MemorySegment image) {
        l.start(LaunchPlatform.SEV_SNP, 0x30000);
        l.addPages(0xFFC0_0000L, 8 * 4096, LaunchPageType.NORMAL, image.asSlice(100, 8 * 4096));
        l.addPages(0x10_0000L, 4096, LaunchPageType.NORMAL, image.asSlice(0, 4096));
        l.addPages(0x20_0000L, 3 * 4096, LaunchPageType.ZERO, null);
        return HexFormat.of().formatHex(l.finish().digest());
    }

    @Test
    void precomputedDigestsGiveTheSameLaunchDigestAsHashingInline() {
        MemorySegment image = image(9, 1);
        PageContentDigests pre = new PageContentDigests(image);
        for (int i = 0; i < 8; i++) pre.add(image.asSlice(100 + i * 4096L, 4096));
        pre.add(image.asSlice(0, 4096));
        assertEquals(9, pre.size());
        assertEquals(launch(new SnpMeasuredLaunch(), image),
                launch(new SnpMeasuredLaunch(SnpLaunchConventions.PANAVISOR, pre), image));
    }

    @Test
    void theCacheIsUsedNotJustIgnored() {
        // A cache whose digests are those of other bytes must change the result: proves lookups hit.
        MemorySegment image = image(9, 1);
        MemorySegment other = image(9, 2);
        PageContentDigests wrong = new PageContentDigests(image);
        MemorySegment.copy(other, 0, image, 0, image.byteSize());
        for (int i = 0; i < 8; i++) wrong.add(image.asSlice(100 + i * 4096L, 4096));
        MemorySegment original = image(9, 1);
        MemorySegment.copy(original, 0, image, 0, image.byteSize());
        assertNotEquals(launch(new SnpMeasuredLaunch(), image),
                launch(new SnpMeasuredLaunch(SnpLaunchConventions.PANAVISOR, wrong), image));
    }

    @Test
    void onlyWholePagesOfTheSnapshotAreFound() {
        MemorySegment image = image(2, 3);
        PageContentDigests pre = new PageContentDigests(image);
        pre.addAlignedPages();
        assertEquals(2, pre.size());
        assertNotNull(pre.find(image.asSlice(4096, 4096)));
        assertNull(pre.find(image.asSlice(4000, 4096)), "a page at an offset that was not digested");
        assertNull(pre.find(image.asSlice(0, 2048)), "not a whole page");
        assertNull(pre.find(image(2, 3).asSlice(0, 4096)), "equal bytes in another array are not the snapshot");
        assertThrows(IllegalArgumentException.class, () -> pre.add(image(2, 3).asSlice(0, 4096)));
    }

    @Test
    void addingPagesTogetherInParallelGivesEachPageItsOwnDigest() {
        // Enough pages for every chunk of every pool thread; compared page by page with add().
        MemorySegment image = image(300, 4);
        java.util.List<MemorySegment> pages = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) pages.add(image.asSlice(100 + i * 4096L, 4096));
        PageContentDigests together = new PageContentDigests(image);
        together.addAll(pages);
        PageContentDigests oneByOne = new PageContentDigests(image);
        pages.forEach(oneByOne::add);
        assertEquals(300, together.size());
        for (MemorySegment p : pages) assertArrayEquals(oneByOne.find(p), together.find(p), "page at " + p.address());
        assertThrows(IllegalArgumentException.class, () -> together.addAll(java.util.List.of(image(1, 5).asSlice(0, 4096))));
    }
}
