package dev.panavisor.firmware.igvm;

/** Unsigned guest-physical range arithmetic. */
final class GpaRanges {
    private GpaRanges() {}

    /** Last byte of a non-empty range, rejecting ranges that wrap past 2^64. */
    static long last(long gpa, long size, String what, Site site) throws IgvmFormatException {
        long last = gpa + size - 1;
        if (Long.compareUnsigned(last, gpa) < 0) {
            throw site.violation(IgvmRule.ADDRESS_WRAP, "%s at 0x%x, size 0x%s", what, gpa, Long.toUnsignedString(size, 16));
        }
        return last;
    }

    static void pageAligned(long gpa, String what, Site site) throws IgvmFormatException {
        aligned(gpa, IgvmFormat.PAGE_SIZE_4K, what, site);
    }

    static void aligned(long gpa, long alignment, String what, Site site) throws IgvmFormatException {
        if (!IgvmFormat.isAligned(gpa, alignment)) {
            throw site.violation(IgvmRule.UNALIGNED_ADDRESS, "%s 0x%x is not 0x%x aligned", what, gpa, alignment);
        }
    }

    static void pageMultiple(long size, String what, Site site) throws IgvmFormatException {
        if (!IgvmFormat.isAligned(size, IgvmFormat.PAGE_SIZE_4K)) {
            throw site.violation(IgvmRule.UNALIGNED_SIZE, "%s 0x%s", what, Long.toUnsignedString(size, 16));
        }
    }

    static boolean contains(long first, long size, long gpa) {
        return Long.compareUnsigned(gpa, first) >= 0 && Long.compareUnsigned(gpa - first, size) < 0;
    }
}
