package dev.panavisor.firmware.igvm;

/**
 * How a page is imported.
 *
 * @param is2MbPage  the header describes a 2 MiB page (GPA 2 MiB aligned, 2 MiB of file data)
 * @param unmeasured imported without adding it to the launch measurement
 * @param shared     imported as assigned but host visible; contents preserved, not measured
 */
public record PageDataFlags(boolean is2MbPage, boolean unmeasured, boolean shared) {
    public static final PageDataFlags NONE = new PageDataFlags(false, false, false);
    static final int IS_2MB_PAGE = 0x1;
    static final int UNMEASURED = 0x2;
    static final int SHARED = 0x4;
    static final int DEFINED = IS_2MB_PAGE | UNMEASURED | SHARED;

    int bits() {
        return (is2MbPage ? IS_2MB_PAGE : 0) | (unmeasured ? UNMEASURED : 0) | (shared ? SHARED : 0);
    }

    static PageDataFlags fromBits(int bits) {
        return new PageDataFlags((bits & IS_2MB_PAGE) != 0, (bits & UNMEASURED) != 0, (bits & SHARED) != 0);
    }

    public long pageSize() {
        return is2MbPage ? IgvmFormat.PAGE_SIZE_2M : IgvmFormat.PAGE_SIZE_4K;
    }
}
