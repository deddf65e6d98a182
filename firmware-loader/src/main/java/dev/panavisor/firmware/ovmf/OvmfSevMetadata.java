package dev.panavisor.firmware.ovmf;

import java.util.ArrayList;
import java.util.List;

/**
 * OVMF's SEV metadata: the "ASEV" header and its list of guest ranges that an SEV-SNP launch
 * must populate before the guest runs (edk2 {@code OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm};
 * consumed by QEMU {@code target/i386/sev.c}).
 *
 * <p>Layout at {@code image size - offset}, where the offset is the u32 in the
 * {@link OvmfTableGuids#SEV_METADATA_OFFSET} table entry: {@code "ASEV"}, u32 length of header
 * plus sections, u32 version (1), u32 section count; then per section u32 GPA, u32 size,
 * u32 type.
 */
public record OvmfSevMetadata(long imageOffset, int version, List<OvmfSevSection> sections) {
    public static final int HEADER_SIZE = MetadataHeader.SIZE;
    public static final int SECTION_SIZE = 12;
    public static final int SIGNATURE = 0x56455341; // "ASEV", little-endian
    public static final int VERSION = MetadataHeader.VERSION;

    public OvmfSevMetadata {
        sections = List.copyOf(sections);
    }

    /** Parses the metadata that starts {@code offsetFromEnd} bytes before the end of {@code image}. */
    public static OvmfSevMetadata parse(FirmwareImage image, long offsetFromEnd) {
        MetadataHeader header = MetadataHeader.read(image, offsetFromEnd, "SEV metadata", SIGNATURE, "ASEV");
        long at = header.at();
        long length = header.length();
        long count = header.count();
        long needed = HEADER_SIZE + count * SECTION_SIZE;
        if (length < needed) {
            throw new OvmfFormatException(String.format(
                    "%s: SEV metadata at image offset 0x%x declares length %d, too short for %d sections (%d bytes)",
                    image.name(), at, length, count, needed));
        }
        image.checkBounds(at, needed, "SEV metadata with " + count + " sections");
        List<OvmfSevSection> sections = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            long s = at + HEADER_SIZE + (long) i * SECTION_SIZE;
            long gpa = image.u32(s, "SEV metadata section GPA");
            long size = image.u32(s + 4, "SEV metadata section size");
            long code = image.u32(s + 8, "SEV metadata section type");
            int index = i;
            OvmfSevSectionType type = OvmfSevSectionType.fromCode(code).orElseThrow(() -> new OvmfFormatException(
                    String.format("%s: SEV metadata section %d at image offset 0x%x has unknown type 0x%x",
                            image.name(), index, s, code)));
            sections.add(new OvmfSevSection(gpa, size, type));
        }
        return new OvmfSevMetadata(at, VERSION, sections);
    }

    public boolean has(OvmfSevSectionType type) {
        return sections.stream().anyMatch(s -> s.type() == type);
    }

    public List<OvmfSevSection> sectionsOf(OvmfSevSectionType type) {
        return sections.stream().filter(s -> s.type() == type).toList();
    }
}
