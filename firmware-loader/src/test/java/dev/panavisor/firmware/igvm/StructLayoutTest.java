package dev.panavisor.firmware.igvm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Structure sizes and field offsets against igvm_defs: a file assembled by hand from the defs must
 * decode into the expected records, and write back unchanged.
 */
class StructLayoutTest {
    private final HandAssembled sample = new HandAssembled();

    @Test
    void structureSizesMatchTheReprCStructsOfIgvmDefs() {
        assertEquals(16, HeaderType.SUPPORTED_PLATFORM.payloadLength(), "IGVM_VHS_SUPPORTED_PLATFORM");
        assertEquals(16, HeaderType.GUEST_POLICY.payloadLength(), "IGVM_VHS_GUEST_POLICY");
        assertEquals(48, HeaderType.RELOCATABLE_REGION.payloadLength(), "IGVM_VHS_RELOCATABLE_REGION");
        assertEquals(32, HeaderType.PAGE_TABLE_RELOCATION_REGION.payloadLength(), "IGVM_VHS_PAGE_TABLE_RELOCATION");
        assertEquals(16, HeaderType.CORIM_DOCUMENT.payloadLength(), "IGVM_VHS_CORIM_DATA");
        assertEquals(32, HeaderType.CCA_POLICY.payloadLength(), "IGVM_VHS_CCA_POLICY");
        assertEquals(16, HeaderType.PARAMETER_AREA.payloadLength(), "IGVM_VHS_PARAMETER_AREA");
        assertEquals(24, HeaderType.PAGE_DATA.payloadLength(), "IGVM_VHS_PAGE_DATA");
        assertEquals(16, HeaderType.PARAMETER_INSERT.payloadLength(), "IGVM_VHS_PARAMETER_INSERT");
        assertEquals(20, HeaderType.VP_CONTEXT.payloadLength(), "IGVM_VHS_VP_CONTEXT is packed (u64_le gpa)");
        assertEquals(24, HeaderType.REQUIRED_MEMORY.payloadLength(), "IGVM_VHS_REQUIRED_MEMORY");
        assertEquals(8, HeaderType.MEMORY_MAP.payloadLength(), "IGVM_VHS_PARAMETER");
        assertEquals(696, HeaderType.SNP_ID_BLOCK.payloadLength(), "IGVM_VHS_SNP_ID_BLOCK");
        assertEquals(16, HeaderType.ERROR_RANGE.payloadLength(), "IGVM_VHS_ERROR_RANGE");
        assertEquals(864, HeaderType.VBS_MEASUREMENT.payloadLength(), "IGVM_VHS_VBS_MEASUREMENT");
        assertEquals(232, NativeX64VpContext.SIZE, "IgvmNativeVpContextX64");
        assertEquals(80, CcaVpContext.SIZE, "IgvmVpContextAArch64Cca");
        assertEquals(32, VbsRegister.SIZE, "VbsVpContextRegister");
        assertEquals(24, MemoryMapEntry.SIZE, "IGVM_VHS_MEMORY_MAP_ENTRY");
    }

    @Test
    void igvmVariableHeaderTypeCodesMatchTheDefinitions() {
        int[] codes = {0x1, 0x101, 0x102, 0x103, 0x104, 0x105, 0x106, 0x301, 0x302, 0x303, 0x304, 0x305, 0x307, 0x308,
                0x309, 0x30A, 0x30B, 0x30C, 0x30D, 0x30E, 0x30F, 0x310, 0x311, 0x312, 0x313};
        assertArrayEquals(codes, java.util.Arrays.stream(HeaderType.values()).mapToInt(HeaderType::code).toArray());
    }

    @Test
    void everyHeaderDecodesToTheRecordTheDefsDescribe() {
        IgvmFile file = Raw.accepts(sample.image);
        assertEquals(sample.expected, file.headers());
        assertEquals(24, file.headerFileOffset(0));
        assertEquals(24 + 24, file.headerFileOffset(1));
    }

    @Test
    void handAssembledFileWritesBackByteIdentical() {
        assertArrayEquals(sample.image, IgvmWriter.toBytes(Raw.accepts(sample.image)));
    }

    @Test
    void pageContentsAreSlicesOfTheSourceNotCopies() {
        byte[] source = sample.image.clone();
        IgvmFile file = Raw.accepts(source);
        PageData page = file.headers(PageData.class).getFirst();
        MemorySegment contents = file.pageContents(page).orElseThrow();
        assertEquals(4096, contents.byteSize());
        assertArrayEquals(sample.page, contents.toArray(ValueLayout.JAVA_BYTE));
        assertTrue(contents.isReadOnly(), "callers cannot write through into a mapped file");
        source[(int) sample.pageOffset] ^= (byte) 0xFF;
        assertEquals(source[(int) sample.pageOffset], contents.get(ValueLayout.JAVA_BYTE, 0), "a view, not a copy");
    }

    @Test
    void zeroFileOffsetMeansAZeroPage() {
        IgvmFile file = Raw.accepts(sample.image);
        PageData zero = file.headers(PageData.class).get(1);
        assertTrue(zero.isZeroPage());
        assertTrue(file.pageContents(zero).isEmpty());
    }

    @Test
    void vpContextFileDataIsDecodedPerPlatform() {
        IgvmFile file = Raw.accepts(sample.image);
        List<VpContext> contexts = file.headers(VpContext.class);
        assertEquals(HandAssembled.expectedNativeContext(), file.vpContextData(contexts.get(0)));
        VmsaVpContext vmsa = (VmsaVpContext) file.vpContextData(contexts.get(1));
        assertArrayEquals(sample.vmsa, vmsa.page().toArray(ValueLayout.JAVA_BYTE));
        assertEquals(HandAssembled.expectedVbsContext(), file.vpContextData(contexts.get(2)));
    }

    @Test
    void corimPayloadsAreSlices() {
        IgvmFile file = Raw.accepts(sample.image);
        CorimDocument doc = file.headers(CorimDocument.class).getFirst();
        assertArrayEquals(sample.corimDocument, file.corimPayload(doc).orElseThrow().toArray(ValueLayout.JAVA_BYTE));
        CorimSignature sig = file.headers(CorimSignature.class).getFirst();
        assertArrayEquals(sample.corimSignature, file.corimPayload(sig).orElseThrow().toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void headersForOnePlatformKeepUnmaskedHeaders() {
        IgvmFile file = Raw.accepts(sample.image);
        List<IgvmHeader> native_ = file.headersFor(HandAssembled.NATIVE);
        assertTrue(native_.stream().noneMatch(h -> h instanceof GuestPolicy), "SNP-only policy skipped");
        assertTrue(native_.stream().anyMatch(h -> h instanceof ParameterArea), "parameter areas carry no mask");
        assertEquals(2, native_.stream().filter(h -> h instanceof PageData).count());
    }

    @Test
    void version2AArch64FileWithCcaStructures() throws Exception {
        byte[] cca = new byte[4096];
        Raw.le(80).putLong(0, 0x1234).putLong(64, 0x80000).putLong(72, 0x5).array();
        java.nio.ByteBuffer.wrap(cca).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, 0x1234).putLong(64, 0x80000)
                .putLong(72, 0x5);
        long dataStart = 32 + 24 + 40 + 32;
        byte[] image = Raw.image(2, 1, 4096, List.of(
                Raw.tlv(0x1, Raw.supportedPlatform(1, 0, 6, 1, 0)),
                Raw.tlv(0x106, Raw.ccaPolicy(1, 0x1, 0x2, 2, 1)),
                Raw.tlv(0x304, Raw.vpContext(0, 1, dataStart, 0))), cca);
        IgvmFile file = Raw.accepts(image);
        assertEquals(new CcaPolicy(1, 0x1, 0x2, CcaHashAlgorithm.SHA384, CcaLfaPolicy.LFA_ALLOW),
                file.headers(CcaPolicy.class).getFirst());
        assertEquals(new CcaVpContext(0x1234, 0, 0, 0, 0, 0, 0, 0, 0x80000, 0x5),
                file.vpContextData(file.headers(VpContext.class).getFirst()));
        assertArrayEquals(image, IgvmWriter.toBytes(file));
    }
}
