package dev.panavisor.firmware.ovmf;

import java.lang.foreign.MemorySegment;

/**
 * One entry of the OVMF footer table: a GUID and the data bytes that precede it. Typed reads
 * check the entry's own length as well as the image's, because an entry shorter than its
 * GUID's format demands would otherwise read the neighbouring entry's bytes.
 */
public final class OvmfTableEntry {
    private final FirmwareImage image;
    private final EfiGuid guid;
    private final long dataOffset;
    private final int dataLength;

    OvmfTableEntry(FirmwareImage image, EfiGuid guid, long dataOffset, int dataLength) {
        this.image = image;
        this.guid = guid;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
    }

    public EfiGuid guid() {
        return guid;
    }

    /** Image offset of the first data byte. */
    public long dataOffset() {
        return dataOffset;
    }

    public int dataLength() {
        return dataLength;
    }

    public MemorySegment data() {
        return image.slice(dataOffset, dataLength, "data of OVMF table entry " + guid);
    }

    /** The little-endian u32 at {@code index} within the data, checked against the data length. */
    public long u32(int index, String what) {
        requireData(index + 4, what);
        return image.u32(dataOffset + index, what);
    }

    private void requireData(int bytes, String what) {
        if (dataLength < bytes) {
            throw new OvmfFormatException(String.format(
                    "%s: OVMF table entry %s (%s) at image offset 0x%x has %d data bytes, needs at least %d",
                    image.name(), guid, what, dataOffset, dataLength, bytes));
        }
    }

    @Override
    public String toString() {
        return String.format("OvmfTableEntry[%s, data at 0x%x, %d bytes]", guid, dataOffset, dataLength);
    }
}
