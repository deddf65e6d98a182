package dev.panavisor.firmware.ovmf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The GUIDed table OVMF's reset vector code ends with, 32 bytes before the end of the image
 * (edk2 {@code OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm}).
 *
 * <p>Layout, read backwards from the end: the footer GUID {@link OvmfTableGuids#TABLE_FOOTER}
 * occupies the 16 bytes at {@code size - 48}; the u16 before it is the length of the whole
 * table including that length and GUID. Each entry before it is {@code data, u16 length, GUID},
 * where the length counts all three, so the walk goes from the footer towards the start.
 */
public final class OvmfFooterTable {
    /** The table ends this many bytes before the end of the image (AP entry point, reset vector). */
    public static final int BYTES_AFTER_TABLE = 32;
    /** The u16 length and the GUID that close every entry and the footer. */
    public static final int ENTRY_TRAILER_SIZE = 2 + EfiGuid.SIZE;

    private final List<OvmfTableEntry> entries;

    private OvmfFooterTable(List<OvmfTableEntry> entries) {
        this.entries = entries;
    }

    /** The table, or empty when the footer GUID is not where OVMF puts it (not an OVMF image). */
    public static Optional<OvmfFooterTable> find(FirmwareImage image) {
        long footerGuidOffset = image.size() - BYTES_AFTER_TABLE - EfiGuid.SIZE;
        if (footerGuidOffset - 2 < 0) return Optional.empty();
        if (!image.guid(footerGuidOffset, "OVMF table footer GUID").equals(OvmfTableGuids.TABLE_FOOTER)) {
            return Optional.empty();
        }
        return Optional.of(parseEntries(image, footerGuidOffset - 2));
    }

    /** Like {@link #find} but a missing table is an error. */
    public static OvmfFooterTable parse(FirmwareImage image) {
        return find(image).orElseThrow(() -> new OvmfFormatException(String.format(
                "%s: no OVMF footer table (GUID %s expected at image offset 0x%x); not an OVMF image?",
                image.name(), OvmfTableGuids.TABLE_FOOTER,
                Math.max(0, image.size() - BYTES_AFTER_TABLE - EfiGuid.SIZE))));
    }

    private static OvmfFooterTable parseEntries(FirmwareImage image, long footerLengthOffset) {
        int totalLength = image.u16(footerLengthOffset, "OVMF footer table length");
        if (totalLength < ENTRY_TRAILER_SIZE || totalLength - ENTRY_TRAILER_SIZE > footerLengthOffset) {
            throw new OvmfFormatException(String.format(
                    "%s: OVMF footer table length %d at image offset 0x%x is invalid (must be %d..%d)",
                    image.name(), totalLength, footerLengthOffset, ENTRY_TRAILER_SIZE,
                    footerLengthOffset + ENTRY_TRAILER_SIZE));
        }
        long start = footerLengthOffset - (totalLength - ENTRY_TRAILER_SIZE);
        List<OvmfTableEntry> walked = new ArrayList<>();
        long cursor = footerLengthOffset;
        while (cursor > start) {
            long remaining = cursor - start;
            if (remaining < ENTRY_TRAILER_SIZE) {
                throw new OvmfFormatException(String.format(
                        "%s: OVMF footer table has %d stray bytes at image offset 0x%x, too few for an entry",
                        image.name(), remaining, start));
            }
            EfiGuid guid = image.guid(cursor - EfiGuid.SIZE, "OVMF table entry GUID");
            int length = image.u16(cursor - ENTRY_TRAILER_SIZE, "OVMF table entry length");
            if (length < ENTRY_TRAILER_SIZE || length > remaining) {
                throw new OvmfFormatException(String.format(
                        "%s: OVMF table entry %s ending at image offset 0x%x has length %d (must be %d..%d)",
                        image.name(), guid, cursor, length, ENTRY_TRAILER_SIZE, remaining));
            }
            walked.add(new OvmfTableEntry(image, guid, cursor - length, length - ENTRY_TRAILER_SIZE));
            cursor -= length;
        }
        Collections.reverse(walked);
        return new OvmfFooterTable(List.copyOf(walked));
    }

    /** Entries in image order (lowest address first). */
    public List<OvmfTableEntry> entries() {
        return entries;
    }

    /**
     * The entry with {@code guid}. If a GUID repeats, the one nearest the footer wins, which is
     * the one QEMU's backwards walk finds first.
     */
    public Optional<OvmfTableEntry> find(EfiGuid guid) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).guid().equals(guid)) return Optional.of(entries.get(i));
        }
        return Optional.empty();
    }
}
