package dev.panavisor.firmware.ovmf;

import java.util.ArrayList;
import java.util.List;

/**
 * The TDX metadata of a TDVF image: the "TDVF" descriptor and its sections, which tell the VMM
 * which guest pages to add to the TD before launch and which of them to measure into MRTD
 * (TDVF Design Guide, "TDVF metadata"; edk2 {@code IntelTdxMetadata.asm}; QEMU
 * {@code hw/i386/tdvf.c}).
 *
 * <p>Layout at {@code image size - offset}, the offset being the u32 in the
 * {@link OvmfTableGuids#TDX_METADATA_OFFSET} table entry: {@code "TDVF"}, u32 length
 * (descriptor plus sections), u32 version (1), u32 section count; then per section u32 data
 * offset, u32 raw data size, u64 memory address, u64 memory size, u32 type, u32 attributes.
 */
public record TdvfMetadata(long imageOffset, int version, List<TdvfSection> sections) {
    public static final int DESCRIPTOR_SIZE = MetadataHeader.SIZE;
    public static final int SECTION_SIZE = 32;
    public static final int SIGNATURE = 0x46564454; // "TDVF", little-endian
    public static final int VERSION = MetadataHeader.VERSION;
    private static final long PAGE_MASK = 0xfff;

    public TdvfMetadata {
        sections = List.copyOf(sections);
    }

    /** Parses and checks the metadata {@code offsetFromEnd} bytes before the end of {@code image}. */
    public static TdvfMetadata parse(FirmwareImage image, long offsetFromEnd) {
        MetadataHeader header = MetadataHeader.read(image, offsetFromEnd, "TDX metadata", SIGNATURE, "TDVF");
        long at = header.at();
        long length = header.length();
        long count = header.count();
        if (count == 0 || length != DESCRIPTOR_SIZE + count * SECTION_SIZE) {
            throw new OvmfFormatException(String.format(
                    "%s: TDVF descriptor at image offset 0x%x has length %d for %d sections (expected %d)",
                    image.name(), at, length, count, DESCRIPTOR_SIZE + count * SECTION_SIZE));
        }
        image.checkBounds(at, length, "TDVF metadata with " + count + " sections");
        List<TdvfSection> sections = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            sections.add(readSection(image, i, at + DESCRIPTOR_SIZE + (long) i * SECTION_SIZE));
        }
        return new TdvfMetadata(at, VERSION, sections);
    }

    private static TdvfSection readSection(FirmwareImage image, int index, long at) {
        String where = String.format("%s: TDVF section %d at image offset 0x%x", image.name(), index, at);
        long dataOffset = image.u32(at, "TDVF section data offset");
        long rawSize = image.u32(at + 4, "TDVF section raw data size");
        long address = image.u64(at + 8, "TDVF section memory address");
        long memorySize = image.u64(at + 16, "TDVF section memory size");
        long typeCode = image.u32(at + 24, "TDVF section type");
        long attributes = image.u32(at + 28, "TDVF section attributes");
        TdvfSectionType type = TdvfSectionType.fromCode(typeCode).orElseThrow(
                () -> new OvmfFormatException(where + " has unknown type " + typeCode));
        if ((attributes & ~TdvfSection.KNOWN_ATTRIBUTES) != 0) {
            throw new OvmfFormatException(String.format("%s (%s) has unknown attribute bits 0x%x", where, type, attributes));
        }
        if ((address & PAGE_MASK) != 0 || (memorySize & PAGE_MASK) != 0 || memorySize < 0
                || Long.compareUnsigned(address + memorySize, address) < 0) {
            throw new OvmfFormatException(String.format(
                    "%s (%s): memory range 0x%x+0x%x is not page aligned or wraps", where, type, address, memorySize));
        }
        boolean inMemory = address != 0 || memorySize != 0;
        if (inMemory && rawSize > memorySize) {
            throw new OvmfFormatException(String.format(
                    "%s (%s): raw data size 0x%x exceeds memory size 0x%x", where, type, rawSize, memorySize));
        }
        boolean carriesData = type == TdvfSectionType.BFV || type == TdvfSectionType.CFV;
        boolean carriesNoData = type == TdvfSectionType.TD_HOB || type == TdvfSectionType.TEMP_MEM
                || type == TdvfSectionType.PERM_MEM;
        if (carriesData && rawSize == 0) {
            throw new OvmfFormatException(String.format("%s (%s) has no raw data", where, type));
        }
        if (carriesNoData && rawSize != 0) {
            throw new OvmfFormatException(String.format("%s (%s) must not carry raw data, has 0x%x bytes", where, type, rawSize));
        }
        if (rawSize != 0 && dataOffset + rawSize > image.size()) {
            throw new OvmfFormatException(String.format(
                    "%s (%s): raw data 0x%x+0x%x extends beyond the 0x%x-byte image "
                            + "(metadata written for a different image layout, e.g. a CODE-only file of a combined build?)",
                    where, type, dataOffset, rawSize, image.size()));
        }
        return new TdvfSection(dataOffset, rawSize, address, memorySize, type, (int) attributes);
    }

    public List<TdvfSection> sectionsOf(TdvfSectionType type) {
        return sections.stream().filter(s -> s.type() == type).toList();
    }
}
