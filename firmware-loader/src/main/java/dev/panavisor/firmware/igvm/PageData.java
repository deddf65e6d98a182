package dev.panavisor.firmware.igvm;

/**
 * Imports one page at {@code gpa}. The contents are {@link PageDataFlags#pageSize()} bytes of file
 * data at {@code fileOffset}, or a page of zeroes when {@code fileOffset} is 0 (still imported as a
 * normal private page).
 */
public record PageData(long gpa, int compatibilityMask, long fileOffset, PageDataFlags flags, PageDataType dataType)
        implements DirectiveHeader, CompatibilityMasked {
    public PageData {
        FieldRanges.u32("fileOffset", fileOffset);
        FieldRanges.present("flags", flags);
        FieldRanges.present("dataType", dataType);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.PAGE_DATA;
    }

    public boolean isZeroPage() {
        return fileOffset == 0;
    }
}
