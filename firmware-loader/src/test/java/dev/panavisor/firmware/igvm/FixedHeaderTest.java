package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.Raw.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Rules of IGVM_FIXED_HEADER / IGVM_FIXED_HEADER_V2 and the checksum. */
class FixedHeaderTest {
    private static byte[] minimalV1() {
        return v1(List.of(tlv(0x1, snpPlatform(1))), new byte[0]);
    }

    @Test
    void igvmFixedHeaderFieldsAreReadAtTheirDefinedOffsets() {
        byte[] image = v1(List.of(tlv(0x1, snpPlatform(1))), new byte[] {1, 2, 3});
        IgvmFixedHeader h = accepts(image).fixedHeader();
        assertEquals(1, h.formatVersion());
        assertEquals(24, h.variableHeaderOffset());
        assertEquals(24, h.variableHeaderSize());
        assertEquals(51, h.totalFileSize());
        assertEquals(IgvmArchitecture.X64, h.architecture(), "version 1 implies x64");
        assertEquals(4096, h.pageSize(), "version 1 implies 4K pages");
    }

    @Test
    void igvmMagicValueIsAsciiIgvmLittleEndian() {
        assertEquals(0x4D564749, IgvmFormat.MAGIC);
        byte[] image = minimalV1();
        assertArrayEquals("IGVM".getBytes(), Arrays.copyOf(image, 4));
        image[0] = 'X';
        IgvmFormatException e = rejects(image, IgvmRule.BAD_MAGIC);
        assertEquals(IgvmFormatException.FILE_LEVEL, e.headerIndex());
        assertEquals(0, e.fileOffset());
    }

    @Test
    void fileShorterThanTheFixedHeaderIsRejected() {
        rejects(new byte[0], IgvmRule.FILE_TOO_SMALL);
        rejects(Arrays.copyOf(minimalV1(), 23), IgvmRule.FILE_TOO_SMALL);
    }

    @Test
    void formatVersionsOtherThanOneAndTwoAreRejected() {
        for (int version : new int[] {0, 3, -1}) {
            byte[] image = minimalV1();
            putU32(image, 4, version);
            refreshChecksum(image);
            assertEquals(4, rejects(image, IgvmRule.UNSUPPORTED_VERSION).fileOffset());
        }
    }

    @Test
    void version2CarriesArchitectureAndPageSize() {
        byte[] image = image(2, 1, 4096, List.of(tlv(0x1, supportedPlatform(1, 0, 6, 1, 0))), new byte[0]);
        IgvmFile file = accepts(image);
        assertEquals(2, file.formatVersion());
        assertEquals(IgvmArchitecture.AARCH64, file.architecture());
        assertEquals(32, file.fixedHeader().variableHeaderOffset());
        assertEquals(32, file.fixedHeader().size());
    }

    @Test
    void version2WithUndefinedArchitectureIsRejected() {
        rejects(image(2, 2, 4096, List.of(tlv(0x1, snpPlatform(1))), new byte[0]), IgvmRule.UNSUPPORTED_ARCHITECTURE);
    }

    @Test
    void version2PageSizeOtherThan4kIsRejectedLikeTheReferenceLoader() {
        rejects(image(2, 0, 0x10000, List.of(tlv(0x1, snpPlatform(1))), new byte[0]), IgvmRule.UNSUPPORTED_PAGE_SIZE);
        rejects(image(2, 0, 0, List.of(tlv(0x1, snpPlatform(1))), new byte[0]), IgvmRule.UNSUPPORTED_PAGE_SIZE);
    }

    @Test
    void version2FileTooShortForItsFixedHeaderIsRejected() {
        byte[] image = Arrays.copyOf(minimalV1(), 28);
        putU32(image, 4, 2);
        rejects(image, IgvmRule.FILE_TOO_SMALL);
    }

    @Test
    void totalFileSizeMustEqualTheFileLength() {
        byte[] image = minimalV1();
        rejects(Arrays.copyOf(image, image.length + 8), IgvmRule.TOTAL_SIZE_MISMATCH);
        putU32(image, 16, image.length - 1);
        refreshChecksum(image);
        assertEquals(16, rejects(image, IgvmRule.TOTAL_SIZE_MISMATCH).fileOffset());
    }

    @Test
    void variableHeaderOffsetMustNotOverlapTheFixedHeader() {
        byte[] image = minimalV1();
        putU32(image, 8, 16);
        refreshChecksum(image);
        rejects(image, IgvmRule.VARIABLE_HEADER_OFFSET);
    }

    @Test
    void variableHeaderOffsetMustBe8ByteAligned() {
        byte[] image = minimalV1();
        putU32(image, 8, 28);
        putU32(image, 12, 16);
        refreshChecksum(image);
        rejects(image, IgvmRule.VARIABLE_HEADER_OFFSET);
    }

    @Test
    void variableHeaderMustLieInsideTheFile() {
        byte[] image = minimalV1();
        putU32(image, 12, 0xFFFF_FFF8L);
        rejects(image, IgvmRule.VARIABLE_HEADER_BOUNDS);
    }

    @Test
    void variableHeaderSizeMustBeWholeEightByteUnits() {
        byte[] image = minimalV1();
        putU32(image, 12, 20);
        refreshChecksum(image);
        rejects(image, IgvmRule.VARIABLE_HEADER_BOUNDS);
    }

    @Test
    void aGapBeforeTheVariableHeaderIsAllowedAndKeptByTheWriter() {
        byte[] plain = minimalV1();
        byte[] image = new byte[plain.length + 16];
        System.arraycopy(plain, 0, image, 0, 24);
        Arrays.fill(image, 24, 40, (byte) 0xAB);
        System.arraycopy(plain, 24, image, 40, plain.length - 24);
        putU32(image, 8, 40);
        putU32(image, 16, image.length);
        refreshChecksum(image);
        IgvmFile file = accepts(image);
        assertArrayEquals(image, IgvmWriter.toBytes(file));
    }

    @Test
    void checksumIsCrc32OfFixedHeaderWithZeroedChecksumAndTheVariableHeader() {
        byte[] image = v1(List.of(tlv(0x1, snpPlatform(1))), new byte[] {9, 9, 9});
        CRC32 crc = new CRC32();
        byte[] fixed = Arrays.copyOf(image, 24);
        Arrays.fill(fixed, 20, 24, (byte) 0);
        crc.update(fixed);
        crc.update(image, 24, 24);
        assertEquals(crc.getValue(), u32(image, 20));
        ChecksumStatus status = accepts(image).checksum();
        assertTrue(status.valid());
        assertEquals((int) crc.getValue(), status.computed());
    }

    @Test
    void checksumDoesNotCoverFileData() {
        byte[] image = v1(List.of(tlv(0x1, snpPlatform(1))), new byte[] {9, 9, 9});
        image[image.length - 1] = 42;
        assertTrue(accepts(image).checksum().valid());
    }

    @Test
    void wrongChecksumIsRejectedByTheStrictReader() {
        byte[] image = minimalV1();
        image[24 + 8] ^= 0x40; // inside the variable header: the mask of the platform
        IgvmFormatException e = rejects(image, IgvmRule.CHECKSUM_MISMATCH);
        assertEquals(20, e.fileOffset());
    }

    @Test
    void wrongChecksumIsReportedWhenAskedToReport() throws Exception {
        byte[] image = minimalV1();
        putU32(image, 20, 0x12345678);
        IgvmFile file = IgvmReader.with(IgvmReader.ChecksumPolicy.REPORT).read(image);
        assertFalse(file.checksum().valid());
        assertEquals(0x12345678, file.checksum().stored());
        assertTrue(IgvmDescriber.describe(file).contains("INVALID"));
        assertTrue(IgvmReader.strict().read(IgvmWriter.toBytes(file)).checksum().valid(), "the writer repairs it");
    }

    @Test
    void readPrefixStopsAtTheDeclaredTotalSize() throws Exception {
        byte[] image = minimalV1();
        byte[] memory = Arrays.copyOf(image, image.length + 100);
        Arrays.fill(memory, image.length, memory.length, (byte) 0x5A);
        IgvmFile file = IgvmReader.strict().readPrefix(java.lang.foreign.MemorySegment.ofArray(memory));
        assertEquals(image.length, file.image().byteSize());
        IgvmFormatException e = assertThrows(IgvmFormatException.class, () -> IgvmReader.strict()
                .readPrefix(java.lang.foreign.MemorySegment.ofArray(Arrays.copyOf(image, image.length - 1))));
        assertEquals(IgvmRule.TOTAL_SIZE_MISMATCH, e.rule());
    }
}
