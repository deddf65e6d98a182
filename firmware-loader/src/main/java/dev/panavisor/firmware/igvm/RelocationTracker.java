package dev.panavisor.firmware.igvm;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Relocatable and page table regions: their shape, that regions of one platform never overlap, that
 * each platform has at most one page table region, and that the VP each one names really gets a VP
 * context later in the file.
 */
final class RelocationTracker {
    private record PendingVp(int mask, int vpIndex, int vtl, Site site) {}

    private final MaskedRangeSet regions = new MaskedRangeSet();
    private final List<PageTableRelocation> pageTables = new ArrayList<>();
    private final List<PendingVp> pending = new ArrayList<>();
    private int pageTableMask;

    void relocatable(RelocatableRegion r, Site site) throws IgvmFormatException {
        long alignment = r.relocationAlignment();
        if (alignment == 0 || !IgvmFormat.isAligned(alignment, IgvmFormat.PAGE_SIZE_4K)) {
            throw site.violation(IgvmRule.RELOCATION_ALIGNMENT, "alignment 0x%s", Long.toUnsignedString(alignment, 16));
        }
        nonEmptyPageMultiple(r.relocationRegionSize(), "relocation region size", site);
        requireAligned(r.relocationRegionGpa(), alignment, "region GPA", site);
        requireAligned(r.minimumRelocationGpa(), alignment, "minimum relocation GPA", site);
        requireAligned(r.maximumRelocationGpa(), alignment, "maximum relocation GPA", site);
        claim(r.compatibilityMask(), r.relocationRegionGpa(), r.relocationRegionSize(), site);
        pending.add(new PendingVp(r.compatibilityMask(), r.vpIndex(), r.vtl(), site));
    }

    void pageTable(PageTableRelocation t, Site site) throws IgvmFormatException {
        GpaRanges.pageAligned(t.gpa(), "page table region GPA", site);
        nonEmptyPageMultiple(t.size(), "page table region size", site);
        GpaRanges.pageMultiple(t.usedSize(), "page table used size", site);
        if (Long.compareUnsigned(t.usedSize(), t.size()) > 0) {
            throw site.violation(IgvmRule.PAGE_TABLE_REGION, "used size 0x%x exceeds size 0x%x", t.usedSize(), t.size());
        }
        if ((pageTableMask & t.compatibilityMask()) != 0) {
            throw site.violation(IgvmRule.PAGE_TABLE_REGION, "second page table region for mask bits 0x%x",
                    Integer.toUnsignedLong(pageTableMask & t.compatibilityMask()));
        }
        claim(t.compatibilityMask(), t.gpa(), t.size(), site);
        pageTableMask |= t.compatibilityMask();
        pageTables.add(t);
        pending.add(new PendingVp(t.compatibilityMask(), t.vpIndex(), t.vtl(), site));
    }

    /** Page tables are rewritten during relocation, so no parameter area may land on them. */
    void checkInsert(ParameterInsert insert, Site site) throws IgvmFormatException {
        for (PageTableRelocation t : pageTables) {
            if (t.appliesTo(insert.compatibilityMask()) && GpaRanges.contains(t.gpa(), t.size(), insert.gpa())) {
                throw site.violation(IgvmRule.PARAMETER_INSERT_IN_PAGE_TABLE, "insert at 0x%x inside 0x%x+0x%x",
                        insert.gpa(), t.gpa(), t.size());
            }
        }
    }

    void vpContextSeen(int mask, int vpIndex, int vtl) {
        pending.removeIf(p -> (p.mask() & mask) != 0 && p.vpIndex() == vpIndex && p.vtl() == vtl);
    }

    void requireAllVpContextsSeen() throws IgvmFormatException {
        if (!pending.isEmpty()) {
            PendingVp p = pending.getFirst();
            throw p.site().violation(IgvmRule.MISSING_VP_CONTEXT, "no VP context for VP %d VTL %d, mask 0x%x",
                    p.vpIndex(), p.vtl(), Integer.toUnsignedLong(p.mask()));
        }
    }

    private void claim(int mask, long gpa, long size, Site site) throws IgvmFormatException {
        long last = GpaRanges.last(gpa, size, "region", site);
        OptionalInt clash = regions.claim(mask, gpa, last, site.headerIndex());
        if (clash.isPresent()) {
            throw site.violation(IgvmRule.REGION_OVERLAP, "0x%x-0x%x overlaps the region of header #%d",
                    gpa, last, clash.getAsInt());
        }
    }

    private static void nonEmptyPageMultiple(long size, String what, Site site) throws IgvmFormatException {
        if (size == 0) {
            throw site.violation(IgvmRule.UNALIGNED_SIZE, "%s is zero", what);
        }
        GpaRanges.pageMultiple(size, what, site);
    }

    private static void requireAligned(long gpa, long alignment, String what, Site site) throws IgvmFormatException {
        if (!IgvmFormat.isAligned(gpa, alignment)) {
            throw site.violation(IgvmRule.RELOCATION_ALIGNMENT, "%s 0x%x is not a multiple of 0x%x", what, gpa, alignment);
        }
    }
}
