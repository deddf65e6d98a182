package dev.panavisor.firmware.igvm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgvmBuilderTest {
    @Test
    void builtFileMatchesAHandAssembledOneByteForByte() throws Exception {
        byte[] contents = {1, 2, 3};
        IgvmBuilder b = IgvmBuilder.v1();
        int snp = b.addPlatform(PlatformType.SEV_SNP);
        b.addPageData(0x1000, snp, contents);
        long dataStart = 24 + 24 + 32;
        byte[] expected = Raw.v1(List.of(Raw.tlv(0x1, Raw.snpPlatform(1)),
                Raw.tlv(0x302, Raw.pageData(0x1000, 1, dataStart, 0, 0))), Arrays.copyOf(contents, 4096));
        assertArrayEquals(expected, b.toBytes());
    }

    @Test
    void platformsGetConsecutiveMaskBits() {
        IgvmBuilder b = IgvmBuilder.v1();
        assertEquals(1, b.addPlatform(PlatformType.NATIVE));
        b.add(new SupportedPlatform(2, 0, PlatformType.TDX, 1, 0));
        assertEquals(4, b.addPlatform(PlatformType.SEV_SNP));
    }

    @Test
    void headersAreEmittedInSectionOrderWhateverTheCallOrder() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        b.add(new RequiredMemory(0, 1, 0x1000, false));
        b.add(new GuestPolicy(0x30000, 1));
        b.addPlatform(PlatformType.SEV_SNP);
        List<IgvmHeader> headers = b.build().headers();
        assertInstanceOf(SupportedPlatform.class, headers.get(0));
        assertInstanceOf(GuestPolicy.class, headers.get(1));
        assertInstanceOf(RequiredMemory.class, headers.get(2));
    }

    @Test
    void identicalPagesShareFileData() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int mask = b.addPlatform(PlatformType.SEV_SNP);
        byte[] same = {7, 7, 7};
        b.addPageData(0x1000, mask, same).addPageData(0x2000, mask, same).addPageData(0x3000, mask, new byte[] {8});
        IgvmFile file = b.build();
        List<PageData> pages = file.headers(PageData.class);
        assertEquals(pages.get(0).fileOffset(), pages.get(1).fileOffset());
        assertNotEquals(pages.get(0).fileOffset(), pages.get(2).fileOffset());
        assertEquals(2 * 4096, file.fileData().byteSize());
    }

    @Test
    void addPagesSplitsContentIntoPaddedPages() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int mask = b.addPlatform(PlatformType.NATIVE);
        byte[] firmware = HandAssembled.pattern(4096 * 2 + 10, 3);
        b.addPages(0xFFE00000L, mask, PageDataType.NORMAL, PageDataFlags.NONE, MemorySegment.ofArray(firmware));
        IgvmFile file = b.build();
        List<PageData> pages = file.headers(PageData.class);
        assertEquals(3, pages.size());
        assertEquals(0xFFE02000L, pages.get(2).gpa());
        byte[] last = file.pageContents(pages.get(2)).orElseThrow().toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(Arrays.copyOfRange(firmware, 8192, 8202), Arrays.copyOf(last, 10));
        assertTrue(Arrays.equals(new byte[4086], Arrays.copyOfRange(last, 10, 4096)));
    }

    @Test
    void everyKindOfContentComesBackThroughTheReader() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int nat = b.addPlatform(PlatformType.NATIVE);
        int snp = b.addPlatform(PlatformType.SEV_SNP, 2, 0x8000000000L);
        int vsm = b.addPlatform(PlatformType.VSM_ISOLATION, 2, 0);
        byte[] vmsa = HandAssembled.pattern(4000, 9);
        NativeX64VpContext ctx = NativeX64VpContext.builder().rip(0xFFF0).gpr(4, 0x8000).cr0(0x11)
                .code(8, 0xA09B, 0, 0xFFFFFFFFL).data(0x10, 0xC093, 0, 0xFFFFFFFFL).gdtr(0x6000, 0x27).build();
        VbsVpContext vbs = HandAssembled.expectedVbsContext();
        b.addCorimDocument(snp, new byte[] {1, 2}).addCorimSignature(snp, new byte[] {3});
        b.addParameterArea(0, 0x2000, new byte[] {42});
        b.addParameter(ParameterKind.MEMORY_MAP, 0, 0).addParameter(ParameterKind.VP_COUNT, 0, 0x1000);
        b.insertParameterArea(0x100000, nat | snp, 0);
        b.addVmsaVpContext(snp, 0, 0xFFFF0000L, vmsa);
        b.addNativeVpContext(nat, 0, ctx);
        b.addVbsVpContext(vsm, vbs);
        b.add(new IgnorableHeader(0x8000_0400, ByteBlock.of(new byte[] {5, 5, 5})));
        IgvmFile file = b.build();

        List<VpContext> contexts = file.headers(VpContext.class);
        VmsaVpContext readVmsa = (VmsaVpContext) file.vpContextData(contexts.get(0));
        assertArrayEquals(Arrays.copyOf(vmsa, 4096), readVmsa.page().toArray(ValueLayout.JAVA_BYTE));
        assertEquals(0xFFFF0000L, contexts.get(0).gpa());
        assertEquals(ctx, file.vpContextData(contexts.get(1)));
        assertEquals(vbs, file.vpContextData(contexts.get(2)));
        ParameterArea area = file.headers(ParameterArea.class).getFirst();
        MemorySegment initial = file.parameterAreaContents(area).orElseThrow();
        assertEquals(0x2000, initial.byteSize());
        assertEquals(42, initial.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(2, file.corimPayload(file.headers(CorimDocument.class).getFirst()).orElseThrow().byteSize());
        assertEquals(0x8000_0400, file.headers(IgnorableHeader.class).getFirst().typeCode());
        assertArrayEquals(IgvmWriter.toBytes(file), IgvmWriter.toBytes(Raw.accepts(IgvmWriter.toBytes(file))));
    }

    @Test
    void version2AArch64BuildWithCca() throws Exception {
        IgvmBuilder b = IgvmBuilder.v2(IgvmArchitecture.AARCH64);
        int cca = b.addPlatform(PlatformType.CCA);
        b.add(new CcaPolicy(cca, CcaPolicy.ATTRIBUTE_DEBUG, 0, CcaHashAlgorithm.SHA256, CcaLfaPolicy.LFA_DISALLOW));
        CcaVpContext rec = new CcaVpContext(0x40000000L, 0, 0, 0, 0, 0, 0, 0, 0x80000L, 0);
        b.addCcaVpContext(cca, 0, rec);
        IgvmFile file = b.build();
        assertEquals(2, file.formatVersion());
        assertEquals(IgvmArchitecture.AARCH64, file.architecture());
        assertEquals(rec, file.vpContextData(file.headers(VpContext.class).getFirst()));
    }

    @Test
    void buildRejectsInputsThatBreakARule() {
        IgvmBuilder b = IgvmBuilder.v1();
        int mask = b.addPlatform(PlatformType.SEV_SNP);
        b.addPageData(0x1000, mask, new byte[] {1}).addPageData(0x1000, mask, new byte[] {2});
        IgvmFormatException e = assertThrows(IgvmFormatException.class, b::build);
        assertEquals(IgvmRule.PAGE_DATA_OVERLAP, e.rule());
    }

    @Test
    void fileOffsetsAreTheBuildersJob() {
        IgvmBuilder b = IgvmBuilder.v1();
        assertThrows(IllegalArgumentException.class,
                () -> b.add(new PageData(0, 1, 100, PageDataFlags.NONE, PageDataType.NORMAL)));
        assertThrows(IllegalArgumentException.class, () -> b.add(new VpContext(0, 1, 0, 0)));
        assertThrows(IllegalArgumentException.class, () -> b.addPageData(0, 1, new byte[4097]));
        assertThrows(IllegalArgumentException.class, () -> b.addVmsaVpContext(1, 0, 0, new byte[4097]));
    }

    @Test
    void writeToPathAndReadBackMapped(@TempDir Path dir) throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int mask = b.addPlatform(PlatformType.NATIVE);
        b.addPageData(0x1000, mask, new byte[] {1, 2, 3});
        IgvmFile built = b.build();
        Path path = dir.resolve("guest.igvm");
        IgvmWriter.writeTo(built, path);
        assertArrayEquals(IgvmWriter.toBytes(built), Files.readAllBytes(path));
        try (Arena arena = Arena.ofConfined()) {
            IgvmFile mapped = IgvmReader.strict().read(path, arena);
            assertEquals(built.headers(), mapped.headers());
            MemorySegment page = mapped.pageContents(mapped.headers(PageData.class).getFirst()).orElseThrow();
            assertTrue(page.isNative(), "a slice of the mapping, not a heap copy");
            assertEquals(3, page.get(ValueLayout.JAVA_BYTE, 2));
        }
    }

    @Test
    void emptyPathIsRejectedAsTooSmall(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.igvm"));
        IgvmFormatException e = assertThrows(IgvmFormatException.class, () -> IgvmReader.strict().read(empty));
        assertEquals(IgvmRule.FILE_TOO_SMALL, e.rule());
    }
}
