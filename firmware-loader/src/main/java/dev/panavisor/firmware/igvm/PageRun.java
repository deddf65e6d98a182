package dev.panavisor.firmware.igvm;

/**
 * A run of page data headers importing consecutive guest pages with the same mask, type and flags;
 * what a human wants to see instead of one line per page.
 */
public record PageRun(int compatibilityMask, PageDataType dataType, PageDataFlags flags, long firstGpa,
                      long pageCount, long zeroPageCount) {
    public long pageSize() {
        return flags.pageSize();
    }

    /** Last byte of the run. */
    public long lastGpa() {
        return firstGpa + pageCount * pageSize() - 1;
    }

    PageRun extendedBy(PageData page) {
        return new PageRun(compatibilityMask, dataType, flags, firstGpa, pageCount + 1,
                zeroPageCount + (page.isZeroPage() ? 1 : 0));
    }

    boolean continuesWith(PageData page) {
        return page.compatibilityMask() == compatibilityMask && page.dataType() == dataType
                && page.flags().equals(flags) && page.gpa() == firstGpa + pageCount * pageSize();
    }

    static PageRun startingWith(PageData page) {
        return new PageRun(page.compatibilityMask(), page.dataType(), page.flags(), page.gpa(), 1,
                page.isZeroPage() ? 1 : 0);
    }
}
