package dev.panavisor.firmware.ovmf;

import java.util.List;
import java.util.Optional;

/**
 * An OVMF flash image and the launch metadata in its footer table.
 *
 * <p>The footer table is parsed on construction; the structures it points at are parsed when
 * asked for, so that a corrupt TDX descriptor does not stop an SEV launch from using the same
 * image. {@code find...} methods answer "absent" with an empty Optional; {@code require...}
 * methods turn absence into an {@link OvmfFormatException} that names the image and the missing
 * table entry. Malformed data always throws.
 */
public final class OvmfImage {
    /** OVMF is mapped so that its last byte sits just below 4 GiB, where the reset vector is. */
    public static final long FOUR_GIB = 1L << 32;

    private final FirmwareImage image;
    private final Optional<OvmfFooterTable> table;

    private OvmfImage(FirmwareImage image, Optional<OvmfFooterTable> table) {
        this.image = image;
        this.table = table;
    }

    /** Reads the footer table of {@code image}; an image without one is accepted and has no metadata. */
    public static OvmfImage of(FirmwareImage image) {
        return new OvmfImage(image, OvmfFooterTable.find(image));
    }

    public FirmwareImage image() {
        return image;
    }

    public String name() {
        return image.name();
    }

    public long size() {
        return image.size();
    }

    /** Guest physical address of the first byte when the image is mapped to end at 4 GiB. */
    public long defaultLoadAddress() {
        return FOUR_GIB - image.size();
    }

    public Optional<OvmfFooterTable> footerTable() {
        return table;
    }

    public List<OvmfTableEntry> tableEntries() {
        return table.map(OvmfFooterTable::entries).orElse(List.of());
    }

    public Optional<OvmfTableEntry> findEntry(EfiGuid guid) {
        return table.flatMap(t -> t.find(guid));
    }

    public Optional<SevEsResetBlock> findSevEsResetBlock() {
        return findEntry(OvmfTableGuids.SEV_ES_RESET_BLOCK).map(SevEsResetBlock::read);
    }

    public Optional<SevHashTableBlock> findSevHashTableBlock() {
        return findEntry(OvmfTableGuids.SEV_HASH_TABLE_BLOCK).map(SevHashTableBlock::read);
    }

    public Optional<SevSecretBlock> findSevSecretBlock() {
        return findEntry(OvmfTableGuids.SEV_SECRET_BLOCK).map(SevSecretBlock::read);
    }

    public Optional<OvmfSevMetadata> findSevMetadata() {
        return findEntry(OvmfTableGuids.SEV_METADATA_OFFSET)
                .map(e -> OvmfSevMetadata.parse(image, e.u32(0, "SEV metadata offset")));
    }

    public Optional<TdvfMetadata> findTdvfMetadata() {
        return findEntry(OvmfTableGuids.TDX_METADATA_OFFSET)
                .map(e -> TdvfMetadata.parse(image, e.u32(0, "TDX metadata offset")));
    }

    public SevEsResetBlock requireSevEsResetBlock() {
        return findSevEsResetBlock().orElseThrow(() -> missing("SEV-ES AP reset block", OvmfTableGuids.SEV_ES_RESET_BLOCK));
    }

    public SevHashTableBlock requireSevHashTableBlock() {
        return findSevHashTableBlock().orElseThrow(() -> missing("SEV hash table block", OvmfTableGuids.SEV_HASH_TABLE_BLOCK));
    }

    public OvmfSevMetadata requireSevMetadata() {
        return findSevMetadata().orElseThrow(() -> missing("SEV metadata", OvmfTableGuids.SEV_METADATA_OFFSET));
    }

    public TdvfMetadata requireTdvfMetadata() {
        return findTdvfMetadata().orElseThrow(() -> missing("TDX (TDVF) metadata", OvmfTableGuids.TDX_METADATA_OFFSET));
    }

    private OvmfFormatException missing(String what, EfiGuid guid) {
        String where = table.isPresent()
                ? "its OVMF footer table has no entry " + guid
                : "it has no OVMF footer table at all (GUID " + OvmfTableGuids.TABLE_FOOTER + " 48 bytes before its end)";
        return new OvmfFormatException(image.name() + " carries no " + what + ": " + where);
    }

    @Override
    public String toString() {
        return "OvmfImage[" + image.name() + ", " + image.size() + " bytes, " + tableEntries().size() + " table entries]";
    }
}
