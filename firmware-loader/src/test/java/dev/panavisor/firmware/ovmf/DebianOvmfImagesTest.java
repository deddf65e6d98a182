package dev.panavisor.firmware.ovmf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reads the images of Debian's {@code ovmf} package (bookworm, 2022.11-6+deb12u2, where these
 * expectations were taken). Which of them carry what:
 * <ul>
 * <li>{@code ovmf/OVMF.fd} (2 MiB, code + vars) and {@code OVMF/OVMF_CODE*.fd} (the same code
 *     without vars) are the OvmfPkgX64 build: SEV-ES reset block, empty hash-table and secret
 *     blocks (no measured direct boot), SEV metadata and TDX metadata. The TDX metadata's offsets
 *     describe the combined 2 MiB image, so it is unusable from the CODE-only file.</li>
 * <li>{@code OVMF_CODE_4M*.fd} (the 4 MiB build): only the reset, hash-table and secret blocks;
 *     no SEV metadata, no TDX metadata.</li>
 * <li>{@code OVMF_VARS*.fd}: variable stores, no footer table at all.</li>
 * </ul>
 * Tests skip when an image is not installed (package {@code ovmf}).
 */
class DebianOvmfImagesTest {
    private static final Path OVMF_FD = Path.of("/usr/share/ovmf/OVMF.fd");
    private static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE.fd");
    private static final Path OVMF_CODE_4M = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");

    private static final List<OvmfSevSection> X64_SEV_SECTIONS = List.of(
            new OvmfSevSection(0x800000, 0x9000, OvmfSevSectionType.SNP_SEC_MEMORY),
            new OvmfSevSection(0x80a000, 0x3000, OvmfSevSectionType.SNP_SEC_MEMORY),
            new OvmfSevSection(0x80d000, 0x1000, OvmfSevSectionType.SNP_SECRETS),
            new OvmfSevSection(0x80e000, 0x1000, OvmfSevSectionType.CPUID),
            new OvmfSevSection(0x80f000, 0x11000, OvmfSevSectionType.SNP_SEC_MEMORY));

    @Test
    void combinedOvmfFdCarriesSevAndTdxMetadata() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            OvmfImage ovmf = open(OVMF_FD, arena);
            assertEquals(0x200000, ovmf.size());
            assertEquals(0xffe00000L, ovmf.defaultLoadAddress());
            assertEquals(List.of(OvmfTableGuids.TDX_METADATA_OFFSET, OvmfTableGuids.SEV_METADATA_OFFSET,
                            OvmfTableGuids.SEV_HASH_TABLE_BLOCK, OvmfTableGuids.SEV_SECRET_BLOCK,
                            OvmfTableGuids.SEV_ES_RESET_BLOCK),
                    ovmf.tableEntries().stream().map(OvmfTableEntry::guid).toList());

            SevEsResetBlock reset = ovmf.requireSevEsResetBlock();
            assertEquals(0x80b004, reset.apResetAddress());
            assertEquals(0x800000, reset.csBase());
            assertEquals(0xb004, reset.ip());
            assertFalse(ovmf.requireSevHashTableBlock().isReserved(), "OvmfPkgX64 has no measured direct boot");
            assertFalse(ovmf.findSevSecretBlock().orElseThrow().isReserved());

            OvmfSevMetadata sev = ovmf.requireSevMetadata();
            assertEquals(0x200000 - 0x52c, sev.imageOffset());
            assertEquals(X64_SEV_SECTIONS, sev.sections());
            assertFalse(sev.has(OvmfSevSectionType.SNP_KERNEL_HASHES));

            TdvfMetadata tdx = ovmf.requireTdvfMetadata();
            assertEquals(0x200000 - 0x840, tdx.imageOffset());
            assertEquals(List.of(
                    new TdvfSection(0x20000, 0x1e0000, 0xffe20000L, 0x1e0000, TdvfSectionType.BFV, TdvfSection.MR_EXTEND),
                    new TdvfSection(0, 0x20000, 0xffe00000L, 0x20000, TdvfSectionType.CFV, 0),
                    new TdvfSection(0, 0, 0x810000, 0x10000, TdvfSectionType.TEMP_MEM, 0),
                    new TdvfSection(0, 0, 0x80b000, 0x2000, TdvfSectionType.TEMP_MEM, 0),
                    new TdvfSection(0, 0, 0x809000, 0x2000, TdvfSectionType.TD_HOB, 0),
                    new TdvfSection(0, 0, 0x800000, 0x6000, TdvfSectionType.TEMP_MEM, 0)), tdx.sections());
        }
    }

    @Test
    void codeOnlyImageHasSevMetadataButTdxMetadataForTheCombinedLayout() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            OvmfImage ovmf = open(OVMF_CODE, arena);
            assertEquals(X64_SEV_SECTIONS, ovmf.requireSevMetadata().sections());
            assertEquals(0x80b004, ovmf.requireSevEsResetBlock().apResetAddress());
            OvmfFormatException e = assertThrows(OvmfFormatException.class, ovmf::requireTdvfMetadata);
            assertTrue(e.getMessage().contains("TDVF section 0") && e.getMessage().contains("BFV")
                    && e.getMessage().contains("beyond"), e.getMessage());
        }
    }

    @Test
    void fourMegabyteBuildHasOnlyTheSevEsResetBlock() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            OvmfImage ovmf = open(OVMF_CODE_4M, arena);
            assertEquals(0x808004, ovmf.requireSevEsResetBlock().apResetAddress());
            assertFalse(ovmf.requireSevHashTableBlock().isReserved());
            assertTrue(ovmf.findSevMetadata().isEmpty());
            assertTrue(ovmf.findTdvfMetadata().isEmpty());
            OvmfFormatException e = assertThrows(OvmfFormatException.class, ovmf::requireSevMetadata);
            assertTrue(e.getMessage().contains("OVMF_CODE_4M.fd carries no SEV metadata")
                    && e.getMessage().contains(OvmfTableGuids.SEV_METADATA_OFFSET.toString()), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd"})
    void variableStoresHaveNoFooterTable(String path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            OvmfImage vars = open(Path.of(path), arena);
            assertTrue(vars.footerTable().isEmpty());
            OvmfFormatException e = assertThrows(OvmfFormatException.class, vars::requireTdvfMetadata);
            assertTrue(e.getMessage().contains("no OVMF footer table"), e.getMessage());
        }
    }

    private static OvmfImage open(Path path, Arena arena) throws IOException {
        assumeTrue(Files.isReadable(path), path + " is not installed (Debian package 'ovmf'); skipping");
        return OvmfImage.of(FirmwareImage.map(path, arena));
    }

}
