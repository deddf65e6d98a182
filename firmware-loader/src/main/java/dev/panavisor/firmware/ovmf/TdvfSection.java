package dev.panavisor.firmware.ovmf;

/**
 * One TDVF metadata section: {@code rawDataSize} bytes at image offset {@code dataOffset} go to
 * guest physical {@code memoryAddress}, in a range of {@code memoryDataSize} bytes whose rest is
 * zero.
 *
 * @param attributes bit 0 {@link #MR_EXTEND}, bit 1 {@link #PAGE_AUG}
 */
public record TdvfSection(long dataOffset, long rawDataSize, long memoryAddress, long memoryDataSize,
                          TdvfSectionType type, int attributes) {
    /** The VMM must extend MRTD with the section's contents (TDH.MR.EXTEND). */
    public static final int MR_EXTEND = 1;
    /** The section is not added before launch; the TD accepts it later (TDH.MEM.PAGE.AUG). */
    public static final int PAGE_AUG = 1 << 1;
    public static final int KNOWN_ATTRIBUTES = MR_EXTEND | PAGE_AUG;

    public TdvfSection {
        if (type == null) throw new NullPointerException("type");
    }

    public boolean extendsMrtd() {
        return (attributes & MR_EXTEND) != 0;
    }

    public boolean isPageAug() {
        return (attributes & PAGE_AUG) != 0;
    }

    public long pageCount() {
        return memoryDataSize / 4096;
    }

    @Override
    public String toString() {
        return String.format("%s[data 0x%x+0x%x -> gpa 0x%x+0x%x%s%s]", type, dataOffset, rawDataSize,
                memoryAddress, memoryDataSize, extendsMrtd() ? ", MR.EXTEND" : "", isPageAug() ? ", PAGE.AUG" : "");
    }
}
