package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.Raw.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Framing of IGVM_VHS_VARIABLE_HEADER records: alignment, padding, lengths, types, section order. */
class VariableHeaderTest {
    private static final byte[] SNP = tlv(0x1, snpPlatform(1));

    @Test
    void lengthThatOverrunsTheVariableHeaderIsRejected() {
        byte[] image = v1(List.of(SNP, tlv(0x101, guestPolicy(0, 1))), new byte[64]);
        putU32(image, 48 + 4, 17); // guest policy length: 17 rounds up to 24, one unit past the area
        refreshChecksum(image);
        IgvmFormatException e = rejects(image, IgvmRule.LENGTH_OVERRUN);
        assertEquals(1, e.headerIndex());
        assertEquals(48, e.fileOffset());
    }

    @Test
    void hugeLengthIsRejectedWithoutAllocating() {
        byte[] image = v1(List.of(SNP, tlv(0x80000500, new byte[8])), new byte[0]);
        putU32(image, 48 + 4, 0xFFFF_FFF0L);
        refreshChecksum(image);
        rejects(image, IgvmRule.LENGTH_OVERRUN);
    }

    @Test
    void paddingToTheNext8ByteBoundaryMustBeZero() {
        // IGVM_VHS_VP_CONTEXT is 20 bytes, so 4 padding bytes follow it.
        byte[] image = v1(List.of(SNP, tlv(0x304, vpContext(0, 1, 0, 0))), new byte[0]);
        image[48 + 8 + 21] = 1;
        refreshChecksum(image);
        IgvmFormatException e = rejects(image, IgvmRule.NONZERO_PADDING);
        assertEquals(1, e.headerIndex());
    }

    @Test
    void lengthMustEqualTheStructureSizeForKnownTypes() {
        rejects(v1(List.of(SNP, tlv(0x101, new byte[24])), new byte[0]), IgvmRule.LENGTH_MISMATCH);
        rejects(v1(List.of(tlv(0x1, new byte[8])), new byte[0]), IgvmRule.LENGTH_MISMATCH);
    }

    @ParameterizedTest(name = "type 0x{0}")
    @ValueSource(ints = {0x0, 0x2, 0x100, 0x107, 0x200, 0x250, 0x300, 0x306, 0x314, 0x400, 0x401, 0x7FFF_FFFF})
    void unknownTypesWithoutTheOptionalBitAreRejected(int type) {
        IgvmFormatException e = rejects(v1(List.of(SNP, tlv(type, new byte[8])), new byte[0]), IgvmRule.UNKNOWN_TYPE);
        assertEquals(1, e.headerIndex());
        assertEquals(48, e.fileOffset());
    }

    @Test
    void retiredType0x306IsNamedInTheError() {
        IgvmFormatException e = rejects(v1(List.of(SNP, tlv(0x306, new byte[8])), new byte[0]), IgvmRule.UNKNOWN_TYPE);
        assertTrue(e.getMessage().contains("retired"), e.getMessage());
    }

    @Test
    void unknownOptionalTypesAreKeptRawAndWrittenBackIdentically() {
        byte[] odd = {1, 2, 3, 4, 5};
        byte[] image = v1(List.of(SNP, tlv(0x8000_0150, odd), tlv(0x8000_0250, new byte[0]),
                tlv(0x302 | 0x8000_0000, pageData(0, 1, 0, 0, 0)), tlv(0x8000_0999, new byte[12])), new byte[0]);
        IgvmFile file = accepts(image);
        List<IgnorableHeader> kept = file.headers(IgnorableHeader.class);
        assertEquals(4, kept.size());
        assertEquals(new IgnorableHeader(0x8000_0150, ByteBlock.of(odd)), kept.get(0));
        assertEquals(0x302, kept.get(2).baseTypeCode(), "a known type marked optional is kept, not acted on");
        assertTrue(file.headers(PageData.class).isEmpty());
        assertArrayEquals(image, IgvmWriter.toBytes(file));
    }

    @Test
    void initializationHeaderAfterADirectiveIsASectionOrderViolation() {
        byte[] image = v1(List.of(SNP, tlv(0x305, requiredMemory(0, 1, 0x1000, 0)), tlv(0x101, guestPolicy(0, 1))),
                new byte[0]);
        IgvmFormatException e = rejects(image, IgvmRule.SECTION_ORDER);
        assertEquals(2, e.headerIndex());
        assertEquals(24 + 24 + 32, e.fileOffset());
    }

    @Test
    void platformHeaderAfterAnInitializationHeaderIsASectionOrderViolation() {
        rejects(v1(List.of(SNP, tlv(0x101, guestPolicy(0, 1)), tlv(0x1, nativePlatform(2))), new byte[0]),
                IgvmRule.SECTION_ORDER);
    }

    @Test
    void optionalHeadersStillObeyTheSectionOfTheirTypeRange() {
        rejects(v1(List.of(SNP, tlv(0x305, requiredMemory(0, 1, 0x1000, 0)), tlv(0x8000_0101, new byte[8])),
                new byte[0]), IgvmRule.SECTION_ORDER);
    }

    @Test
    void sectionsMaySkipStraightToDirectives() {
        accepts(v1(List.of(SNP, tlv(0x305, requiredMemory(0, 1, 0x1000, 0))), new byte[0]));
    }

    @Test
    void fileWithoutPlatformsIsRejected() {
        rejects(v1(List.of(), new byte[0]), IgvmRule.NO_PLATFORM);
        rejects(v1(List.of(tlv(0x8000_0001, new byte[16])), new byte[0]), IgvmRule.NO_PLATFORM);
    }
}
