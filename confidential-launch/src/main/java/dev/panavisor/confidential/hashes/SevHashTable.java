package dev.panavisor.confidential.hashes;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.firmware.ovmf.EfiGuid;
import dev.panavisor.firmware.ovmf.OvmfImage;
import dev.panavisor.firmware.ovmf.SevHashTableBlock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The SEV hash table as QEMU lays it out for OVMF: a header GUID and u16 total length, then
 * three entries of GUID, u16 entry length and SHA-256 digest, in the order command line,
 * initrd, kernel; the whole padded with zeros to a multiple of 16 bytes. SEV and SEV-ES measure
 * the padded table itself; SEV-SNP measures the page that contains it.
 */
public final class SevHashTable {
    public static final EfiGuid HEADER_GUID = EfiGuid.parse("9438d606-4f22-4cc9-b479-a793d411fd21");
    public static final EfiGuid CMDLINE_GUID = EfiGuid.parse("97d02dd8-bd20-4c94-aa78-e7714d36ab2a");
    public static final EfiGuid INITRD_GUID = EfiGuid.parse("44baf731-3a2f-4bd7-9af1-41e29169781d");
    public static final EfiGuid KERNEL_GUID = EfiGuid.parse("4de79437-abd2-427f-b835-d5b172d2045b");

    /** GUID, u16 length, SHA-256. */
    public static final int ENTRY_SIZE = EfiGuid.SIZE + 2 + KernelHashes.HASH_SIZE;
    /** Header GUID, u16 length and three entries: 168 bytes, the value of the length field. */
    public static final int TABLE_SIZE = EfiGuid.SIZE + 2 + 3 * ENTRY_SIZE;
    /** QEMU rounds the table up to 16 bytes and measures the padding too: 176 bytes. */
    public static final int PADDED_SIZE = (TABLE_SIZE + 15) & ~15;

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SevHashTable() {}

    /** The padded table. */
    public static byte[] encode(KernelHashes hashes) {
        byte[] table = new byte[PADDED_SIZE];
        encodeInto(hashes, MemorySegment.ofArray(table), 0);
        return table;
    }

    /** Writes the padded table at {@code offset} of {@code target} (e.g. into a guest page). */
    public static void encodeInto(KernelHashes hashes, MemorySegment target, long offset) {
        MemorySegment t = target.asSlice(offset, PADDED_SIZE);
        t.fill((byte) 0);
        HEADER_GUID.writeTo(t, 0);
        t.set(LE_SHORT, EfiGuid.SIZE, (short) TABLE_SIZE);
        long at = EfiGuid.SIZE + 2;
        at = entry(t, at, CMDLINE_GUID, hashes.cmdline());
        at = entry(t, at, INITRD_GUID, hashes.initrd());
        entry(t, at, KERNEL_GUID, hashes.kernel());
    }

    private static long entry(MemorySegment t, long at, EfiGuid guid, byte[] digest) {
        guid.writeTo(t, at);
        t.set(LE_SHORT, at + EfiGuid.SIZE, (short) ENTRY_SIZE);
        MemorySegment.copy(MemorySegment.ofArray(digest), 0, t, at + EfiGuid.SIZE + 2, digest.length);
        return at + ENTRY_SIZE;
    }

    /**
     * OVMF's area for the table, checked as QEMU checks it before filling it: present, reserved
     * and large enough. {@code mode} names the launch in messages.
     */
    public static SevHashTableBlock requireArea(OvmfImage ovmf, String mode) {
        Optional<SevHashTableBlock> block = ovmf.findSevHashTableBlock();
        if (block.isEmpty() || !block.get().isReserved()) {
            throw new LaunchMeasurementException(mode + " launch of " + ovmf.name()
                    + ": a kernel was given for measured direct boot, but the firmware reserves no SEV hash table area "
                    + (block.isEmpty() ? "(no hash table block in its OVMF footer table)" : "(its hash table block is empty)")
                    + "; use an OVMF built with kernel hashes support, e.g. OvmfPkg/AmdSev");
        }
        if (block.get().size() < PADDED_SIZE) {
            throw new LaunchMeasurementException(String.format(
                    "%s launch of %s: the SEV hash table area at 0x%x holds %d bytes, the table needs %d",
                    mode, ovmf.name(), block.get().base(), block.get().size(), PADDED_SIZE));
        }
        return block.get();
    }
}
