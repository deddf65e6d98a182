package dev.panavisor.confidential.tdx;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * MRTD extension by TDH.MEM.PAGE.ADD and TDH.MR.EXTEND (TDX module ABI, those leaves' "MRTD
 * extension" steps: a 128-byte buffer with the ASCII leaf name at byte 0 and the GPA at byte 16,
 * plus 256 data bytes for MR.EXTEND). Expected values were computed separately with Python's
 * hashlib over buffers built by hand from that description; Intel publishes no step vectors.
 */
class TdxMrtdTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void emptyMrtdIsSha384OfNothing() {
        assertEquals("38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
                HEX.formatHex(new TdxMrtd().digest()));
    }

    @Test
    void pageAddMeasuresOnlyTheAddress() {
        assertEquals("fcdabf6fdf38b87d2e3a89b1ab68c242abb261dffa70ef6f1dc2220c2752d2729cdf1be92afc2e0e4297f04e2b629552",
                HEX.formatHex(new TdxMrtd().addPage(0x1000).digest()));
    }

    @Test
    void extendMeasuresSixteenChunksOfAPage() {
        TdxMrtd mrtd = new TdxMrtd().addPage(0xffffc000L).extendPage(0xffffc000L, pattern(4096, 1));
        assertEquals("64e2c6bde341103eafcad291a3837d9274745bf611c2d8f32236749d344a0baf8393bd82d3287b516246064ed5236ae4",
                HEX.formatHex(mrtd.digest()));
        assertEquals(1, mrtd.pagesAdded());
        assertEquals(16, mrtd.chunksExtended());
    }

    @Test
    void regionOrderChangesMrtdAndMissingDataIsZero() {
        // Two pages at 1 MiB whose data ends after 5000 bytes: the rest of the region is zero.
        MemorySegment data = pattern(5000, 7);
        TdxMrtd pageByPage = new TdxMrtd().addRegion(0x100000, 0x2000, data, true, TdxPageOrder.PAGE_BY_PAGE);
        TdxMrtd legacy = new TdxMrtd().addRegion(0x100000, 0x2000, data, true, TdxPageOrder.ADD_ALL_THEN_EXTEND);
        assertEquals("13e1b0dca07935850c67fa9187da9ea98dd50e35db1f425366d25354f7f022fa2f41f4a1d00bb1e8b2c6350155e0077f",
                HEX.formatHex(pageByPage.digest()));
        assertEquals("9351da6b17baf38133252b00ce37de04c7e345d080685e61ad0c49f0f2aa85d9599262ae581b543c81d4464225becec5",
                HEX.formatHex(legacy.digest()));
    }

    @Test
    void unmeasuredRegionOnlyAddsPagesInEitherOrder() {
        byte[] a = new TdxMrtd().addRegion(0x800000, 0x3000, null, false, TdxPageOrder.PAGE_BY_PAGE).digest();
        byte[] b = new TdxMrtd().addPage(0x800000).addPage(0x801000).addPage(0x802000).digest();
        byte[] c = new TdxMrtd().addRegion(0x800000, 0x3000, null, false, TdxPageOrder.ADD_ALL_THEN_EXTEND).digest();
        assertEquals(HEX.formatHex(b), HEX.formatHex(a));
        assertEquals(HEX.formatHex(b), HEX.formatHex(c));
    }

    @Test
    void digestDoesNotFinalizeTheRunningHash() {
        TdxMrtd mrtd = new TdxMrtd().addPage(0x1000);
        mrtd.digest();
        assertEquals(HEX.formatHex(new TdxMrtd().addPage(0x1000).addPage(0x2000).digest()),
                HEX.formatHex(mrtd.addPage(0x2000).digest()));
    }

    @Test
    void misalignedCallsAreRejected() {
        TdxMrtd mrtd = new TdxMrtd();
        assertThrows(IllegalArgumentException.class, () -> mrtd.addPage(0x1800));
        assertThrows(IllegalArgumentException.class, () -> mrtd.extend(0x1080, pattern(256, 1)));
        assertThrows(IllegalArgumentException.class, () -> mrtd.extend(0x1000, pattern(255, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> mrtd.addRegion(0x1000, 0x1800, null, false, TdxPageOrder.PAGE_BY_PAGE));
    }

    private static MemorySegment pattern(int size, int multiplier) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * multiplier);
        return MemorySegment.ofArray(b);
    }
}
