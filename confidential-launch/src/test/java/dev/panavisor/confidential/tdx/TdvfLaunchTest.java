package dev.panavisor.confidential.tdx;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.LaunchMeasurements;
import dev.panavisor.firmware.ovmf.FirmwareImage;
import dev.panavisor.firmware.ovmf.OvmfFormatException;
import dev.panavisor.firmware.ovmf.OvmfImage;
import dev.panavisor.firmware.ovmf.OvmfTableGuids;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** MRTD of TDVF launches: sections in metadata order, MR.EXTEND and PAGE.AUG honoured. */
class TdvfLaunchTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Path OVMF_FD = Path.of("/usr/share/ovmf/OVMF.fd");
    private static final String OVMF_FD_SHA256 = "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773";

    /**
     * Debian bookworm's OVMF.fd (ovmf 2022.11-6+deb12u2). Cross-checked with td-shim's Python
     * MRTD calculator (confidential-containers/td-shim, td-shim-tools/.../td_shim_tee_info_hash.py
     * at 125eeab, which implements the page-by-page order), and, for the legacy order, with a local
     * copy of that script whose per-section loop was split into an add pass and an extend pass.
     */
    @Test
    void debianOvmfFdMatchesTdShimsCalculatorInBothOrders() throws Exception {
        assumeTrue(Files.isReadable(OVMF_FD), OVMF_FD + " is not installed (Debian package 'ovmf'); skipping");
        assumeTrue(HEX.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(OVMF_FD)))
                .equals(OVMF_FD_SHA256), OVMF_FD + " is not the build the vectors were recorded from; skipping");
        assertEquals("4c7206f0f483c524f12c366c711e9049030a8d47c471ee5aa9c4999a08de4057fb887fed0744d5631a212967fb231c47",
                HEX.formatHex(LaunchMeasurements.tdx(OVMF_FD)));
        assertEquals("acccbcc870a381adab0d3919d90a7f268ac3b0364771f202ed4bb4e892d045b33db3b32e6924cba830a724eed443f7e1",
                HEX.formatHex(LaunchMeasurements.tdx(OVMF_FD, TdxPageOrder.ADD_ALL_THEN_EXTEND)));
    }

    @Test
    void sectionsDriveTheEngineAsKvmInitMemRegionWould() {
        // BFV: 1 page of raw data in a 2-page section at the top; TD_HOB: 1 page; PERM_MEM: PAGE.AUG, not added.
        OvmfImage ovmf = tdvfImage(
                new long[] {0x1000, 0x1000, 0xffffe000L, 0x2000, 0, 1},
                new long[] {0, 0, 0x809000, 0x1000, 2, 0},
                new long[] {0, 0, 0x100000, 0x10000, 4, 2});
        MemorySegment bfv = ovmf.image().slice(0x1000, 0x1000, "bfv");
        byte[] expected = new TdxMrtd()
                .addPage(0xffffe000L).extendPage(0xffffe000L, bfv)
                .addPage(0xfffff000L).extendPage(0xfffff000L, MemorySegment.ofArray(new byte[4096]))
                .addPage(0x809000)
                .digest();
        assertArrayEquals(expected, TdvfLaunch.measure(ovmf, TdxPageOrder.PAGE_BY_PAGE));
    }

    @Test
    void firmwareWithoutTdvfMetadataIsRefused() {
        OvmfImage plain = OvmfImage.of(FirmwareImage.of(MemorySegment.ofArray(new byte[0x4000]), "plain.fd"));
        LaunchMeasurementException e = assertThrows(LaunchMeasurementException.class,
                () -> TdvfLaunch.measure(plain, TdxPageOrder.PAGE_BY_PAGE));
        assertTrue(e.getMessage().contains("plain.fd") && e.getMessage().contains("no TDVF metadata"), e.getMessage());
    }

    @Test
    void debianCodeOnlyImagesCannotBeMeasuredForTdx() throws IOException {
        Path code4m = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
        assumeTrue(Files.isReadable(code4m), code4m + " is not installed; skipping");
        LaunchMeasurementException none = assertThrows(LaunchMeasurementException.class, () -> LaunchMeasurements.tdx(code4m));
        assertTrue(none.getMessage().contains("no TDVF metadata"), none.getMessage());
        Path code = Path.of("/usr/share/OVMF/OVMF_CODE.fd");
        assumeTrue(Files.isReadable(code), code + " is not installed; skipping");
        OvmfFormatException split = assertThrows(OvmfFormatException.class, () -> LaunchMeasurements.tdx(code));
        assertTrue(split.getMessage().contains("extends beyond"), split.getMessage());
    }

    /** A 16 KiB image whose TDVF descriptor sits at 0x3000 with the given sections. */
    private static OvmfImage tdvfImage(long[]... sections) {
        byte[] image = new byte[0x4000];
        for (int i = 0; i < image.length; i++) image[i] = (byte) (i * 13 + 5);
        ByteBuffer md = le(16 + 32 * sections.length);
        md.put("TDVF".getBytes()).putInt(md.capacity()).putInt(1).putInt(sections.length);
        for (long[] s : sections) {
            md.putInt((int) s[0]).putInt((int) s[1]).putLong(s[2]).putLong(s[3]).putInt((int) s[4]).putInt((int) s[5]);
        }
        System.arraycopy(md.array(), 0, image, 0x3000, md.capacity());
        ByteBuffer table = le(4 + 18 + 18);
        table.putInt(0x1000).putShort((short) 22).put(OvmfTableGuids.TDX_METADATA_OFFSET.toBytes());
        table.putShort((short) 40).put(OvmfTableGuids.TABLE_FOOTER.toBytes());
        System.arraycopy(table.array(), 0, image, image.length - 32 - 40, 40);
        return OvmfImage.of(FirmwareImage.of(MemorySegment.ofArray(image), "tdvf-test.fd"));
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

}
