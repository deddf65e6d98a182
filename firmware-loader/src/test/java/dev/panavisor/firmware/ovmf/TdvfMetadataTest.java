package dev.panavisor.firmware.ovmf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TDVF descriptor (TDVF Design Guide, "TDVF metadata"), on synthetic images. */
class TdvfMetadataTest {
    private static final int SIZE = 0x4000;
    private static final int AT = 0x3000;
    private static final long[] BFV = {0, 0x2000, 0xfffc0000L, 0x2000, 0, TdvfSection.MR_EXTEND};
    private static final long[] TEMP = {0, 0, 0x800000, 0x1000, 3, 0};

    @Test
    void parsesSectionsAndAttributes() {
        long[] perm = {0, 0, 0x100000, 0x10000, 4, TdvfSection.PAGE_AUG};
        TdvfMetadata md = withMetadata(TestImages.tdvfMetadata(BFV, TEMP, perm)).requireTdvfMetadata();
        assertEquals(AT, md.imageOffset());
        List<TdvfSection> s = md.sections();
        assertEquals(new TdvfSection(0, 0x2000, 0xfffc0000L, 0x2000, TdvfSectionType.BFV, 1), s.get(0));
        assertTrue(s.get(0).extendsMrtd());
        assertFalse(s.get(0).isPageAug());
        assertEquals(TdvfSectionType.TEMP_MEM, s.get(1).type());
        assertTrue(s.get(2).isPageAug());
        assertEquals(16, s.get(2).pageCount());
    }

    @Test
    void descriptorErrorsNameWhatIsWrong() {
        byte[] md = TestImages.tdvfMetadata(BFV);
        md[3] = 'X';
        assertRejected(withMetadata(md), "expected \"TDVF\"");

        md = TestImages.tdvfMetadata(BFV);
        md[8] = 2;
        assertRejected(withMetadata(md), "has version 2");

        md = TestImages.tdvfMetadata(BFV);
        md[4] = 47;
        assertRejected(withMetadata(md), "has length 47 for 1 sections (expected 48)");

        assertRejected(withMetadata(TestImages.tdvfMetadata()), "for 0 sections");
    }

    @Test
    void sectionErrorsNameTheSection() {
        assertRejected(withMetadata(TestImages.tdvfMetadata(BFV, new long[] {0, 0, 0x800800, 0x1000, 3, 0})),
                "TDVF section 1 at image offset 0x3030 (TEMP_MEM): memory range 0x800800+0x1000 is not page aligned");
        assertRejected(withMetadata(TestImages.tdvfMetadata(new long[] {0, 0x3000, 0xfffc0000L, 0x2000, 0, 1})),
                "raw data size 0x3000 exceeds memory size 0x2000");
        assertRejected(withMetadata(TestImages.tdvfMetadata(new long[] {0x3000, 0x2000, 0xfffc0000L, 0x2000, 0, 1})),
                "raw data 0x3000+0x2000 extends beyond the 0x4000-byte image");
        assertRejected(withMetadata(TestImages.tdvfMetadata(new long[] {0, 0, 0x800000, 0x1000, 9, 0})),
                "has unknown type 9");
        assertRejected(withMetadata(TestImages.tdvfMetadata(new long[] {0, 0, 0x800000, 0x1000, 3, 4})),
                "unknown attribute bits 0x4");
        assertRejected(withMetadata(TestImages.tdvfMetadata(new long[] {0, 0, 0xfffc0000L, 0x2000, 0, 1})),
                "(BFV) has no raw data");
        assertRejected(withMetadata(TestImages.tdvfMetadata(new long[] {0, 0x1000, 0x800000, 0x1000, 2, 0})),
                "(TD_HOB) must not carry raw data");
        assertRejected(withMetadata(TestImages.tdvfMetadata(new long[] {0, 0, -4096, 0x2000, 3, 0})),
                "wraps");
    }

    @Test
    void offsetOutsideTheImageIsRejected() {
        OvmfImage ovmf = TestImages.ovmf(new TestImages(SIZE).u32Entry(OvmfTableGuids.TDX_METADATA_OFFSET, 0xffffffffL).build());
        assertRejected(ovmf, "TDX metadata offset 0xffffffff (from the end) points outside the 0x4000-byte image");
    }

    private static OvmfImage withMetadata(byte[] metadata) {
        return TestImages.ovmf(new TestImages(SIZE)
                .put(AT, metadata)
                .u32Entry(OvmfTableGuids.TDX_METADATA_OFFSET, SIZE - AT)
                .build());
    }

    private static void assertRejected(OvmfImage ovmf, String expected) {
        OvmfFormatException e = assertThrows(OvmfFormatException.class, ovmf::requireTdvfMetadata);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
