package dev.panavisor.firmware.ovmf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OvmfSevMetadata.asm's "ASEV" layout, on synthetic images. */
class OvmfSevMetadataTest {
    private static final int SIZE = 8192;
    private static final int AT = 4096;

    @Test
    void parsesSectionsOfEveryKnownType() {
        OvmfImage ovmf = withMetadata(TestImages.sevMetadata(-1, 1,
                0x800000, 0x9000, 1, 0x80d000, 0x1000, 2, 0x80e000, 0x1000, 3,
                0x80f000, 0x1000, 4, 0x810000, 0x1000, 0x10), SIZE - AT);
        OvmfSevMetadata md = ovmf.requireSevMetadata();
        assertEquals(AT, md.imageOffset());
        assertEquals(List.of(OvmfSevSectionType.SNP_SEC_MEMORY, OvmfSevSectionType.SNP_SECRETS,
                        OvmfSevSectionType.CPUID, OvmfSevSectionType.SVSM_CAA, OvmfSevSectionType.SNP_KERNEL_HASHES),
                md.sections().stream().map(OvmfSevSection::type).toList());
        assertEquals(new OvmfSevSection(0x810000, 0x1000, OvmfSevSectionType.SNP_KERNEL_HASHES),
                md.sectionsOf(OvmfSevSectionType.SNP_KERNEL_HASHES).getFirst());
    }

    @Test
    void offsetPointingPastTheStartOfTheImageIsRejected() {
        assertRejected(withMetadata(new byte[0], SIZE + 1), "SEV metadata offset 0x2001");
        assertRejected(withMetadata(new byte[0], 4), "SEV metadata offset 0x4");
    }

    @Test
    void wrongSignatureIsRejected() {
        byte[] md = TestImages.sevMetadata(-1, 1, 0x800000, 0x1000, 1);
        md[0] = 'X';
        assertRejected(withMetadata(md, SIZE - AT), "expected \"ASEV\"");
    }

    @Test
    void unknownVersionIsRejected() {
        assertRejected(withMetadata(TestImages.sevMetadata(-1, 2), SIZE - AT), "has version 2");
    }

    @Test
    void declaredLengthTooShortForTheSectionsIsRejected() {
        assertRejected(withMetadata(TestImages.sevMetadata(20, 1, 0x800000, 0x1000, 1), SIZE - AT),
                "declares length 20, too short for 1 sections");
    }

    @Test
    void sectionCountRunningOffTheImageIsRejectedWithoutReadingPastIt() {
        byte[] md = TestImages.sevMetadata(-1, 1);
        // count = 0x10000000 sections and a length to match (mod 2^32): would need 3 GiB of image.
        System.arraycopy(TestImages.le(8).putInt(0xC0000010).putInt(1).array(), 0, md, 4, 8);
        System.arraycopy(TestImages.le(4).putInt(0x10000000).array(), 0, md, 12, 4);
        assertRejected(withMetadata(md, SIZE - AT), "SEV metadata with 268435456 sections at image offset 0x1000");
    }

    @Test
    void metadataNearTheEndWhoseSectionsOverrunTheImageIsRejected() {
        byte[] md = TestImages.sevMetadata(16 + 12 * 4, 1, 0x800000, 0x1000, 1);
        System.arraycopy(TestImages.le(4).putInt(4).array(), 0, md, 12, 4); // claims 4 sections
        // Put the header 24 bytes before the end (after the table): 4 sections would run past the last byte.
        byte[] image = new TestImages(4096).u32Entry(OvmfTableGuids.SEV_METADATA_OFFSET, 24).build();
        System.arraycopy(md, 0, image, 4096 - 24, 16);
        assertRejected(TestImages.ovmf(image), "lies outside the image");
    }

    @Test
    void unknownSectionTypeIsRejectedNamingTheSection() {
        assertRejected(withMetadata(TestImages.sevMetadata(-1, 1, 0x800000, 0x1000, 1, 0x900000, 0x1000, 7), SIZE - AT),
                "SEV metadata section 1 at image offset 0x101c has unknown type 0x7");
    }

    private static OvmfImage withMetadata(byte[] metadata, long offsetFromEnd) {
        return TestImages.ovmf(new TestImages(SIZE)
                .put(AT, metadata)
                .u32Entry(OvmfTableGuids.SEV_METADATA_OFFSET, offsetFromEnd)
                .build());
    }

    private static void assertRejected(OvmfImage ovmf, String expected) {
        OvmfFormatException e = assertThrows(OvmfFormatException.class, ovmf::requireSevMetadata);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
