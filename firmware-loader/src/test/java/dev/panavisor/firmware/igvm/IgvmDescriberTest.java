package dev.panavisor.firmware.igvm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class IgvmDescriberTest {
    @Test
    void contiguousPagesCoalescePerMaskEvenWhenInterleaved() {
        PageDataFlags none = PageDataFlags.NONE;
        List<IgvmHeader> headers = List.of(
                new PageData(0x0000, 1, 100, none, PageDataType.NORMAL),
                new PageData(0x0000, 2, 100, none, PageDataType.NORMAL),
                new PageData(0x1000, 1, 0, none, PageDataType.NORMAL),
                new PageData(0x1000, 2, 100, none, PageDataType.NORMAL),
                new PageData(0x2000, 1, 100, none, PageDataType.NORMAL),
                new PageData(0x5000, 1, 100, none, PageDataType.NORMAL),
                new PageData(0x6000, 1, 100, none, PageDataType.SECRETS),
                new PageData(0x7000, 1, 100, new PageDataFlags(false, true, false), PageDataType.NORMAL));
        assertEquals(List.of(
                new PageRun(1, PageDataType.NORMAL, none, 0x0000, 3, 1),
                new PageRun(2, PageDataType.NORMAL, none, 0x0000, 2, 0),
                new PageRun(1, PageDataType.NORMAL, none, 0x5000, 1, 0),
                new PageRun(1, PageDataType.SECRETS, none, 0x6000, 1, 0),
                new PageRun(1, PageDataType.NORMAL, new PageDataFlags(false, true, false), 0x7000, 1, 0)),
                PageRuns.of(headers));
        assertEquals(0x2FFF, PageRuns.of(headers).getFirst().lastGpa());
    }

    @Test
    void describesEverySectionOfAFile() throws Exception {
        IgvmBuilder b = IgvmBuilder.v1();
        int snp = b.addPlatform(PlatformType.SEV_SNP, 0, 0x8000000000L);
        int nat = b.addPlatform(PlatformType.NATIVE);
        b.add(new GuestPolicy(0x30000, snp));
        for (int i = 0; i < 16; i++) {
            b.addPageData(0xFFF00000L + i * 0x1000L, snp | nat, i < 4 ? new byte[0] : new byte[] {(byte) i});
        }
        b.addParameterArea(3, 0x1000, new byte[0]).addParameter(ParameterKind.COMMAND_LINE, 3, 0x10)
                .insertParameterArea(0x7000, snp, 3);
        b.addNativeVpContext(nat, 0, NativeX64VpContext.builder().rip(0xFFF0).build());
        b.addVmsaVpContext(snp, 0, 0xFFFFF000L, new byte[16]);
        b.add(new RequiredMemory(0, snp, 0x100000, false));
        b.add(new IgnorableHeader(0x8000_0400, ByteBlock.of(new byte[4])));
        String text = IgvmDescriber.describe(b.build());

        assertTrue(text.startsWith("IGVM format version 1, X64, page size 4096"), text);
        assertTrue(text.contains("(valid)"), text);
        assertTrue(text.contains("mask 0x1  SEV_SNP version 1, highest VTL 0, shared GPA boundary 0x8000000000"), text);
        assertTrue(text.contains("[mask 0x1] guest policy 0x30000"), text);
        assertTrue(text.contains("page data (16 pages in 1 runs)"), text);
        assertTrue(text.contains("[mask 0x3] 0x00000000fff00000-0x00000000fff0ffff  16 x 4K NORMAL"), text);
        assertTrue(text.contains("4 of them zero pages"), text);
        assertTrue(text.contains("area 3: 0x1000 bytes, zero-initialized"), text);
        assertTrue(text.contains("COMMAND_LINE at +0x10"), text);
        assertTrue(text.contains("inserted at GPA 0x7000 [mask 0x1]"), text);
        assertTrue(text.contains("[mask 0x2] VP 0: x64 rip 0xfff0"), text);
        assertTrue(text.contains("[mask 0x1] VP 0: VMSA to GPA 0xfffff000"), text);
        assertTrue(text.contains("required memory 0x0+0x100000"), text);
        assertTrue(text.contains("type 0x80000400, 4 bytes"), text);
    }

    @Test
    void describesTheHandAssembledFileWithoutFailing() {
        String text = IgvmDescriber.describe(Raw.accepts(new HandAssembled().image));
        assertTrue(text.contains("VBS VTL 2, 2 registers"), text);
        assertTrue(text.contains("SNP ID block"), text);
        assertTrue(text.contains("VBS measurement"), text);
        assertTrue(text.contains("relocatable region"), text);
        assertTrue(text.contains("CoRIM signature, 3 bytes"), text);
    }
}
