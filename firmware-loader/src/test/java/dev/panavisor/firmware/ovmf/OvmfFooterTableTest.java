package dev.panavisor.firmware.ovmf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The footer table walk of ResetVectorVtf0.asm / QEMU pc_sysfw_ovmf.c, on synthetic images. */
class OvmfFooterTableTest {
    private static final EfiGuid OTHER = EfiGuid.parse("11111111-2222-3333-4444-555555555555");

    @Test
    void walksEntriesBackwardsFromTheFooterAndReportsThemInImageOrder() {
        byte[] image = new TestImages(4096)
                .u32Entry(OvmfTableGuids.SEV_HASH_TABLE_BLOCK, 0x810c00, 0x400)
                .entry(OTHER, new byte[0])
                .u32Entry(OvmfTableGuids.SEV_ES_RESET_BLOCK, 0x80b004)
                .build();
        OvmfImage ovmf = TestImages.ovmf(image);
        List<OvmfTableEntry> entries = ovmf.tableEntries();
        assertEquals(List.of(OvmfTableGuids.SEV_HASH_TABLE_BLOCK, OTHER, OvmfTableGuids.SEV_ES_RESET_BLOCK),
                entries.stream().map(OvmfTableEntry::guid).toList());
        // The reset block's 4 data bytes sit just before its length and GUID, which end 50 bytes before the end.
        assertEquals(4096 - 50 - 18 - 4, entries.get(2).dataOffset());
        assertEquals(0, entries.get(1).dataLength());
        assertEquals(new SevHashTableBlock(0x810c00, 0x400), ovmf.requireSevHashTableBlock());
        assertEquals(0x80b004, ovmf.requireSevEsResetBlock().apResetAddress());
    }

    @Test
    void emptyTableIsValid() {
        OvmfImage ovmf = TestImages.ovmf(new TestImages(256).build());
        assertTrue(ovmf.footerTable().isPresent());
        assertTrue(ovmf.tableEntries().isEmpty());
    }

    @Test
    void repeatedGuidResolvesToTheEntryNearestTheFooterLikeQemu() {
        byte[] image = new TestImages(512)
                .u32Entry(OvmfTableGuids.SEV_ES_RESET_BLOCK, 0x1000)
                .u32Entry(OvmfTableGuids.SEV_ES_RESET_BLOCK, 0x2000)
                .build();
        assertEquals(0x2000, TestImages.ovmf(image).requireSevEsResetBlock().apResetAddress());
    }

    @Test
    void imagesTooSmallOrWithoutFooterGuidHaveNoTable() {
        assertTrue(TestImages.ovmf(new byte[0]).footerTable().isEmpty());
        assertTrue(TestImages.ovmf(new byte[49]).footerTable().isEmpty());
        assertTrue(TestImages.ovmf(new byte[4096]).footerTable().isEmpty());
        OvmfFormatException e = assertThrows(OvmfFormatException.class,
                () -> OvmfFooterTable.parse(TestImages.ovmf(new byte[4096]).image()));
        assertTrue(e.getMessage().contains("no OVMF footer table") && e.getMessage().contains("0xfd0"), e.getMessage());
    }

    @Test
    void tableLengthShorterThanTheFooterItselfIsRejected() {
        byte[] image = new TestImages(256).buildWithTableLength(17);
        assertMalformed(image, "OVMF footer table length 17");
    }

    @Test
    void tableLengthReachingBeforeTheImageStartIsRejected() {
        byte[] image = new TestImages(100).buildWithTableLength(0xffff);
        assertMalformed(image, "OVMF footer table length 65535");
    }

    @Test
    void entryLengthBelowItsOwnTrailerIsRejected() {
        byte[] image = new TestImages(256).u32Entry(OTHER, 7).build();
        // Corrupt the entry's u16 length (just before its GUID) to 5.
        int lengthOffset = 256 - 50 - 18;
        image[lengthOffset] = 5;
        image[lengthOffset + 1] = 0;
        assertMalformed(image, "has length 5");
    }

    @Test
    void entryLengthLongerThanWhatIsLeftOfTheTableIsRejected() {
        byte[] image = new TestImages(256).u32Entry(OTHER, 7).build();
        int lengthOffset = 256 - 50 - 18;
        image[lengthOffset] = 40;
        assertMalformed(image, "has length 40");
    }

    @Test
    void strayBytesBeforeTheFirstEntryAreRejected() {
        byte[] image = new TestImages(256).u32Entry(OTHER, 7).buildWithTableLength(18 + 22 + 5);
        assertMalformed(image, "5 stray bytes");
    }

    @Test
    void entryDataShorterThanItsFormatIsRejectedWhenRead() {
        byte[] image = new TestImages(256).entry(OvmfTableGuids.SEV_HASH_TABLE_BLOCK, new byte[6]).build();
        OvmfImage ovmf = TestImages.ovmf(image);
        OvmfFormatException e = assertThrows(OvmfFormatException.class, ovmf::requireSevHashTableBlock);
        assertTrue(e.getMessage().contains("has 6 data bytes, needs at least 8"), e.getMessage());
    }

    private static void assertMalformed(byte[] image, String expected) {
        OvmfFormatException e = assertThrows(OvmfFormatException.class, () -> TestImages.ovmf(image));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().startsWith("test.fd: "), e.getMessage());
    }
}
