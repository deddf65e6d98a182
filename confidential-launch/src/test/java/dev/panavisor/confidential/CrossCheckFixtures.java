package dev.panavisor.confidential;

import dev.panavisor.firmware.ovmf.EfiGuid;
import dev.panavisor.firmware.ovmf.FirmwareImage;
import dev.panavisor.firmware.ovmf.OvmfImage;
import dev.panavisor.firmware.ovmf.OvmfTableGuids;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Deterministic inputs shared by the tests and by the one-off cross-check against
 * sev-snp-measure: a synthetic firmware laid out like edk2's OvmfPkg/AmdSev build (the only
 * flavour with measured direct boot, which Debian does not ship) and small kernel/initrd files.
 * {@link #main} writes them to a directory so the reference tool can be run on the same bytes.
 */
public final class CrossCheckFixtures {
    public static final int AMDSEV_IMAGE_SIZE = 0x40000;
    public static final String CMDLINE = "console=ttyS0 root=/dev/vda1 panavisor.test=1";

    private CrossCheckFixtures() {}

    /**
     * 256 KiB, ending at 4 GiB, with the AmdSev memory map: SEV metadata 0x1000 bytes before the
     * end listing SEC memory, secrets, CPUID, SVSM CAA, the kernel-hashes page at 0x810000 and more
     * SEC memory; hash table block at 0x810c00 (0x400 bytes), secret block at 0x810000 (0xc00),
     * AP reset at 0x80b004. Everything else is a fixed byte pattern.
     */
    public static byte[] amdSevLikeImage() {
        byte[] image = new byte[AMDSEV_IMAGE_SIZE];
        for (int i = 0; i < image.length; i++) image[i] = (byte) ((i * 2654435761L) >>> 13);
        long[][] sections = {
                {0x800000, 0x9000, 1}, {0x80a000, 0x3000, 1}, {0x80d000, 0x1000, 2}, {0x80e000, 0x1000, 3},
                {0x80f000, 0x1000, 4}, {0x810000, 0x1000, 0x10}, {0x811000, 0xf000, 1}};
        ByteBuffer md = le(16 + 12 * sections.length);
        md.put("ASEV".getBytes(StandardCharsets.US_ASCII)).putInt(md.capacity()).putInt(1).putInt(sections.length);
        for (long[] s : sections) md.putInt((int) s[0]).putInt((int) s[1]).putInt((int) s[2]);
        System.arraycopy(md.array(), 0, image, AMDSEV_IMAGE_SIZE - 0x1000, md.capacity());

        ByteBuffer table = le(4 + 18 + 8 + 18 + 8 + 18 + 4 + 18 + 18);
        entry(table, OvmfTableGuids.SEV_METADATA_OFFSET, 0x1000);
        entry(table, OvmfTableGuids.SEV_HASH_TABLE_BLOCK, 0x810c00, 0x400);
        entry(table, OvmfTableGuids.SEV_SECRET_BLOCK, 0x810000, 0xc00);
        entry(table, OvmfTableGuids.SEV_ES_RESET_BLOCK, 0x80b004);
        table.putShort((short) table.capacity()).put(OvmfTableGuids.TABLE_FOOTER.toBytes());
        System.arraycopy(table.array(), 0, image, AMDSEV_IMAGE_SIZE - 32 - table.capacity(), table.capacity());
        return image;
    }

    public static OvmfImage amdSevLikeOvmf() {
        return OvmfImage.of(FirmwareImage.of(MemorySegment.ofArray(amdSevLikeImage()), "amdsev-like.fd"));
    }

    /** 96 KiB of "kernel". */
    public static byte[] kernel() {
        byte[] k = new byte[96 * 1024];
        for (int i = 0; i < k.length; i++) k[i] = (byte) (i * 31 + 7);
        return k;
    }

    /** 10000 bytes of "initrd" (deliberately not a page multiple). */
    public static byte[] initrd() {
        byte[] r = new byte[10000];
        for (int i = 0; i < r.length; i++) r[i] = (byte) (i * 17 + 3 + (i >> 8));
        return r;
    }

    /** Writes amdsev-like.fd, kernel.bin and initrd.bin into {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        Files.write(dir.resolve("amdsev-like.fd"), amdSevLikeImage());
        Files.write(dir.resolve("kernel.bin"), kernel());
        Files.write(dir.resolve("initrd.bin"), initrd());
    }

    private static void entry(ByteBuffer table, EfiGuid guid, long... values) {
        for (long v : values) table.putInt((int) v);
        table.putShort((short) (values.length * 4 + 18)).put(guid.toBytes());
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
