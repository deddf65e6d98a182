package dev.panavisor.firmware.wrap;

import dev.panavisor.firmware.igvm.GuestPolicy;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.NativeX64VpContext;
import dev.panavisor.firmware.igvm.PageData;
import dev.panavisor.firmware.igvm.PageDataType;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.igvm.VpContext;
import dev.panavisor.firmware.ovmf.FirmwareImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FirmwareIgvmWrapperTest {
    private static final Path SEABIOS = Path.of("/usr/share/seabios/bios.bin");
    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");

    private static FirmwareImage image(int size, String name) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * 13 + 1);
        return FirmwareImage.of(MemorySegment.ofArray(b), name);
    }

    /** QEMU's layout: image ends at 4 GiB; a non-OVMF image's last 128 KiB also at 1 MiB - 128 KiB. */
    @Test
    void seabiosLikeImageEndsAtFourGibAndIsAliasedBelowOneMib() {
        FirmwareRom rom = FirmwareRom.of(image(256 * 1024, "bios-256k.bin"), null);
        assertEquals(2, rom.regions().size());
        RomRegion alias = rom.regions().get(0);
        RomRegion flash = rom.regions().get(1);
        assertEquals(0xe0000, alias.gpa());
        assertEquals(0x100000, alias.endGpa());
        assertEquals(0xfffc0000L, flash.gpa());
        assertEquals(1L << 32, flash.endGpa());
        assertEquals(flash.contents().get(ValueLayout.JAVA_BYTE, 128 * 1024), alias.contents().get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void codeAndVarsSitBackToBackBelowFourGib() {
        FirmwareRom rom = FirmwareRom.of(image(0x10000, "code.fd"), image(0x4000, "vars.fd"));
        List<RomRegion> r = rom.regions();
        assertEquals("vars vars.fd", r.get(1).name());
        assertEquals(0xffff0000L - 0x4000, r.get(1).gpa());
        assertEquals(0xffff0000L, r.get(2).gpa());
    }

    @Test
    void nativeWrapOfSeabiosHasEveryPageAndAResetContext() throws IOException {
        assumeTrue(Files.isReadable(SEABIOS), SEABIOS + " not installed (Debian package seabios)");
        try (Arena arena = Arena.ofConfined()) {
            FirmwareRom rom = FirmwareRom.load(SEABIOS, null, arena);
            IgvmFile file = FirmwareIgvmWrapper.wrap(rom, PlatformType.NATIVE, List.of(), 0);
            long size = Files.size(SEABIOS);
            List<PageData> pages = file.headers(PageData.class);
            assertEquals(size / 4096 + Math.min(size, 128 * 1024) / 4096, pages.size());
            PageData resetPage = pages.stream().filter(p -> p.gpa() == 0xfffff000L).findFirst().orElseThrow();
            byte[] expected = Files.readAllBytes(SEABIOS);
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, expected.length - 4096, expected.length),
                    file.pageContents(resetPage).orElseThrow().toArray(ValueLayout.JAVA_BYTE));
            VpContext vp = file.headers(VpContext.class).getFirst();
            NativeX64VpContext ctx = (NativeX64VpContext) file.vpContextData(vp);
            assertEquals(0xfff0, ctx.rip());
            assertEquals(0xffff0000L, ctx.codeBase());
            assertEquals(0xf000, ctx.codeSelector());
        }
    }

    @Test
    void snpAndTdxNeedOvmfMetadata() {
        FirmwareRom rom = FirmwareRom.of(image(0x20000, "bios.bin"), null);
        WrapException snp = assertThrows(WrapException.class,
                () -> FirmwareIgvmWrapper.wrap(rom, PlatformType.SEV_SNP, List.of(new byte[4096]), 0));
        assertTrue(snp.getMessage().contains("not OVMF"), snp.getMessage());
        assertThrows(WrapException.class, () -> FirmwareIgvmWrapper.wrap(rom, PlatformType.TDX, List.of(), 0));
        assertThrows(WrapException.class, () -> FirmwareIgvmWrapper.wrap(rom, PlatformType.SEV_ES, List.of(), 0));
    }

    @Test
    void plainRomWrapIsTheRomPagesPlusTheCallersVmsasAndNothingElse() {
        FirmwareRom rom = FirmwareRom.of(image(0x10000, "stage2.rom"), null);
        byte[] vmsa = new byte[4096];
        vmsa[0] = 0x5A;
        IgvmFile snp = FirmwareIgvmWrapper.wrap(rom, PlatformType.SEV_SNP, List.of(vmsa), 0x30000, true);
        // 16 ROM pages at the top of 4 GiB and the 16-page legacy alias below 1 MiB; no SNP metadata pages.
        assertEquals(32, snp.headers(PageData.class).size());
        assertTrue(snp.headers(PageData.class).stream().allMatch(p -> p.dataType() == PageDataType.NORMAL));
        assertEquals(1, snp.headers(VpContext.class).size());
        assertEquals(1, snp.headers(GuestPolicy.class).size());
        IgvmFile tdx = FirmwareIgvmWrapper.wrap(rom, PlatformType.TDX, List.of(), 0, true);
        assertEquals(32, tdx.headers(PageData.class).size());
        // Measured: a plain ROM has no TDVF section telling which pages to leave out of MRTD.
        assertTrue(tdx.headers(PageData.class).stream().noneMatch(p -> p.flags().unmeasured()));
        assertEquals(0, tdx.headers(VpContext.class).size());
        // Without the flag the refusal stays.
        assertThrows(WrapException.class, () -> FirmwareIgvmWrapper.wrap(rom, PlatformType.TDX, List.of(), 0, false));
    }

    @Test
    void varsOnlyForNative() {
        FirmwareRom rom = FirmwareRom.of(image(0x10000, "code.fd"), image(0x4000, "vars.fd"));
        assertThrows(WrapException.class, () -> FirmwareIgvmWrapper.wrap(rom, PlatformType.SEV, List.of(), 0));
        // 16 + 4 flash pages, plus the isa-bios alias of the (non-OVMF) code image: 16 pages.
        assertEquals((0x14000 + 0x10000) / 4096, FirmwareIgvmWrapper.wrap(rom, PlatformType.NATIVE, List.of(), 0).headers(PageData.class).size());
    }

    @Test
    void tdxWrapOfOvmfFollowsTheTdvfSections() throws IOException {
        assumeTrue(Files.isReadable(OVMF));
        try (Arena arena = Arena.ofConfined()) {
            IgvmFile file = FirmwareIgvmWrapper.wrap(FirmwareRom.load(OVMF, null, arena), PlatformType.TDX, List.of(), 0);
            List<PageData> pages = file.headers(PageData.class);
            // TDVF metadata lists BFV (measured) first, then CFV (unmeasured), then memory without data.
            assertEquals(0xffe20000L, pages.getFirst().gpa());
            assertTrue(pages.stream().filter(p -> p.gpa() >= 0xffe20000L).noneMatch(p -> p.flags().unmeasured()));
            assertTrue(pages.stream().filter(p -> p.gpa() < 0xffe20000L).allMatch(p -> p.flags().unmeasured()));
            assertTrue(pages.stream().filter(p -> p.gpa() < 0x1000000).allMatch(PageData::isZeroPage));
            assertTrue(file.headers(VpContext.class).isEmpty());
            assertTrue(pages.stream().allMatch(p -> p.dataType() == PageDataType.NORMAL));
        }
    }
}
