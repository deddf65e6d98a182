package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.OptionalInt;

/**
 * The semantic rules: those that need more than one header or the file data to decide. Runs over
 * the headers in file order, as a loader would, so "declared before use" rules come out naturally.
 */
final class IgvmValidator {
    private final MemorySegment image;
    private final IgvmFixedHeader fixed;
    private final FileDataBounds bounds;
    private final PlatformRegistry platforms;
    private final MaskedRangeSet importedPages = new MaskedRangeSet();
    private final ParameterAreaTracker parameterAreas = new ParameterAreaTracker();
    private final RelocationTracker relocations = new RelocationTracker();
    private final CorimTracker corim = new CorimTracker();

    private IgvmValidator(MemorySegment image, IgvmFixedHeader fixed) {
        this.image = image;
        this.fixed = fixed;
        this.bounds = FileDataBounds.of(fixed);
        this.platforms = new PlatformRegistry(fixed.architecture());
    }

    static void validate(MemorySegment image, IgvmFixedHeader fixed, List<IgvmHeader> headers, List<Long> offsets)
            throws IgvmFormatException {
        IgvmValidator v = new IgvmValidator(image, fixed);
        for (int i = 0; i < headers.size(); i++) {
            v.check(headers.get(i), new Site(i, offsets.get(i)));
        }
        if (v.platforms.isEmpty()) {
            throw Site.fileLevel(fixed.variableHeaderOffset()).violation(IgvmRule.NO_PLATFORM, "no supported platform header");
        }
        v.relocations.requireAllVpContextsSeen();
    }

    private void check(IgvmHeader header, Site site) throws IgvmFormatException {
        if (header instanceof CompatibilityMasked m && !(header instanceof SupportedPlatform)) {
            platforms.checkReference(m.compatibilityMask(), site);
        }
        switch (header) {
            case SupportedPlatform p -> platforms.declare(p, site);
            case GuestPolicy ignored -> { }
            case RelocatableRegion r -> relocations.relocatable(r, site);
            case PageTableRelocation t -> relocations.pageTable(t, site);
            case CorimDocument d -> {
                corimPayload(d, site);
                corim.document(d, site);
            }
            case CorimSignature s -> {
                corimPayload(s, site);
                corim.signature(s, site);
            }
            case CcaPolicy c -> ccaPolicy(c, site);
            case ParameterArea a -> parameterArea(a, site);
            case PageData d -> pageData(d, site);
            case ParameterInsert i -> parameterInsert(i, site);
            case ParameterUsage u -> parameterAreas.use(u, site);
            case VpContext c -> vpContext(c, site);
            case RequiredMemory m -> {
                GpaRanges.pageAligned(m.gpa(), "required memory GPA", site);
                GpaRanges.pageMultiple(m.numberOfBytes(), "required memory size", site);
            }
            case ErrorRange e -> {
                GpaRanges.pageAligned(e.gpa(), "error range GPA", site);
                GpaRanges.pageMultiple(e.sizeBytes(), "error range size", site);
            }
            // The definitions leave these to the platform's firmware to judge.
            case SnpIdBlock ignored -> { }
            case VbsMeasurement ignored -> { }
            case IgnorableHeader ignored -> { }
        }
    }

    private void corimPayload(CorimData d, Site site) throws IgvmFormatException {
        if (d.fileOffset() != 0) {
            bounds.check(d.fileOffset(), d.sizeBytes(), "CoRIM payload", site);
        }
    }

    private void ccaPolicy(CcaPolicy c, Site site) throws IgvmFormatException {
        if (fixed.architecture() != IgvmArchitecture.AARCH64) {
            throw site.violation(IgvmRule.ARCHITECTURE_MISMATCH, "CCA policy in an %s file", fixed.architecture());
        }
        long conflict = c.attributesRequiredZeroes() & c.attributesRequiredOnes();
        if (conflict != 0) {
            throw site.violation(IgvmRule.CCA_POLICY, "attribute bits 0x%x required both clear and set", conflict);
        }
        for (SupportedPlatform p : platforms.within(c.compatibilityMask())) {
            if (p.platformType() != PlatformType.CCA) {
                throw site.violation(IgvmRule.CCA_POLICY, "mask bit 0x%x is %s",
                        Integer.toUnsignedLong(p.compatibilityMask()), p.platformType());
            }
        }
    }

    private void parameterArea(ParameterArea a, Site site) throws IgvmFormatException {
        GpaRanges.pageMultiple(a.numberOfBytes(), "parameter area size", site);
        if (a.fileOffset() != 0) {
            bounds.check(a.fileOffset(), a.numberOfBytes(), "parameter area initial data", site);
        }
        parameterAreas.declare(a, site);
    }

    private void parameterInsert(ParameterInsert i, Site site) throws IgvmFormatException {
        GpaRanges.pageAligned(i.gpa(), "parameter insert GPA", site);
        ParameterArea area = parameterAreas.insert(i, site);
        if (area.numberOfBytes() != 0) {
            GpaRanges.last(i.gpa(), area.numberOfBytes(), "parameter area", site);
        }
        relocations.checkInsert(i, site);
    }

    private void pageData(PageData d, Site site) throws IgvmFormatException {
        long pageSize = d.flags().pageSize();
        GpaRanges.aligned(d.gpa(), pageSize, "page GPA", site);
        if (d.fileOffset() != 0) {
            bounds.check(d.fileOffset(), pageSize, "page contents", site);
        }
        OptionalInt clash = importedPages.claim(d.compatibilityMask(), d.gpa(), d.gpa() + pageSize - 1, site.headerIndex());
        if (clash.isPresent()) {
            throw site.violation(IgvmRule.PAGE_DATA_OVERLAP, "page 0x%x (mask 0x%x) was already imported by header #%d",
                    d.gpa(), Integer.toUnsignedLong(d.compatibilityMask()), clash.getAsInt());
        }
    }

    private void vpContext(VpContext c, Site site) throws IgvmFormatException {
        SupportedPlatform platform = platforms.exactly(c.compatibilityMask()).orElseThrow(() -> site.violation(
                IgvmRule.VP_CONTEXT_PLATFORM, "mask 0x%x names more than one platform",
                Integer.toUnsignedLong(c.compatibilityMask())));
        VpContextDecoder.Decoded decoded =
                VpContextDecoder.decode(c, platform, fixed.architecture(), image, bounds, site);
        relocations.vpContextSeen(c.compatibilityMask(), c.vpIndex(), decoded.vtl());
    }
}
