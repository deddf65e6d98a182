package dev.panavisor.firmware.igvm;

import java.util.List;

/**
 * Renders an {@link IgvmFile} as text for {@code igvm inspect}: the fixed header and checksum, the
 * platforms, initialization headers, page data coalesced into runs, parameter areas with what is
 * deposited in them and where they are inserted, VP contexts, and everything else, in file order
 * within each group.
 */
public final class IgvmDescriber {
    private IgvmDescriber() {}

    public static String describe(IgvmFile file) {
        Text out = new Text();
        fixedHeader(file, out);
        platforms(file, out);
        section(out, "initialization", file.headers(InitializationHeader.class));
        pageRuns(file, out);
        parameterAreas(file, out);
        vpContexts(file, out);
        section(out, "other directives", file.headers().stream()
                .filter(h -> h instanceof RequiredMemory || h instanceof ErrorRange
                        || h instanceof SnpIdBlock || h instanceof VbsMeasurement)
                .toList());
        section(out, "ignorable headers (kept, not acted on)", file.headers(IgnorableHeader.class));
        return out.toString();
    }

    private static void fixedHeader(IgvmFile file, Text out) {
        IgvmFixedHeader h = file.fixedHeader();
        out.line(0, "IGVM format version %d, %s, page size %d, %d bytes",
                h.formatVersion(), h.architecture(), h.pageSize(), h.totalFileSize());
        ChecksumStatus c = file.checksum();
        if (c.valid()) {
            out.line(0, "checksum 0x%08x (valid)", c.stored());
        } else {
            out.line(0, "checksum 0x%08x INVALID, computed 0x%08x", c.stored(), c.computed());
        }
        out.line(0, "variable header at 0x%x, 0x%x bytes, %d headers; file data from 0x%x",
                h.variableHeaderOffset(), h.variableHeaderSize(), file.headers().size(), h.fileDataOffset());
    }

    private static void platforms(IgvmFile file, Text out) {
        out.line(0, "platforms:");
        for (SupportedPlatform p : file.platforms()) {
            out.line(1, "mask 0x%x  %s version %d, highest VTL %d, shared GPA boundary 0x%x",
                    Integer.toUnsignedLong(p.compatibilityMask()), p.platformType(), p.platformVersion(),
                    p.highestVtl(), p.sharedGpaBoundary());
        }
    }

    private static void pageRuns(IgvmFile file, Text out) {
        List<PageRun> runs = PageRuns.of(file.headers());
        if (runs.isEmpty()) {
            return;
        }
        out.line(0, "page data (%d pages in %d runs):", file.headers(PageData.class).size(), runs.size());
        for (PageRun r : runs) {
            out.line(1, "%s 0x%016x-0x%016x  %d x %s %s%s%s", mask(r.compatibilityMask()), r.firstGpa(), r.lastGpa(),
                    r.pageCount(), r.flags().is2MbPage() ? "2M" : "4K", r.dataType(),
                    r.flags().unmeasured() ? " unmeasured" : "", r.flags().shared() ? " shared" : "");
            if (r.zeroPageCount() > 0) {
                out.line(2, "%d of them zero pages", r.zeroPageCount());
            }
        }
    }

    private static void parameterAreas(IgvmFile file, Text out) {
        List<ParameterArea> areas = file.headers(ParameterArea.class);
        if (areas.isEmpty()) {
            return;
        }
        out.line(0, "parameter areas:");
        for (ParameterArea a : areas) {
            out.line(1, "area %d: 0x%s bytes, %s", a.parameterAreaIndex(), Long.toUnsignedString(a.numberOfBytes(), 16),
                    a.fileOffset() == 0 ? "zero-initialized" : "initial data at file offset 0x%x".formatted(a.fileOffset()));
            // Indices are single-use, so the parameters and inserts naming it all belong to this area.
            for (ParameterUsage u : file.headers(ParameterUsage.class)) {
                if (u.parameterAreaIndex() == a.parameterAreaIndex()) {
                    out.line(2, "%s at +0x%x", u.kind(), u.byteOffset());
                }
            }
            for (ParameterInsert i : file.headers(ParameterInsert.class)) {
                if (i.parameterAreaIndex() == a.parameterAreaIndex()) {
                    out.line(2, "inserted at GPA 0x%x %s", i.gpa(), mask(i.compatibilityMask()));
                }
            }
        }
    }

    private static void vpContexts(IgvmFile file, Text out) {
        List<VpContext> contexts = file.headers(VpContext.class);
        if (contexts.isEmpty()) {
            return;
        }
        out.line(0, "VP contexts:");
        for (VpContext c : contexts) {
            String what = switch (file.vpContextData(c)) {
                case VmsaVpContext v -> "VMSA to GPA 0x%x".formatted(c.gpa());
                case NativeX64VpContext n -> "x64 rip 0x%x rsp 0x%x cr0 0x%x cr3 0x%x cr4 0x%x efer 0x%x"
                        .formatted(n.rip(), n.rsp(), n.cr0(), n.cr3(), n.cr4(), n.efer());
                case VbsVpContext v -> "VBS VTL %d, %d registers".formatted(v.vtl(), v.registers().size());
                case CcaVpContext a -> "CCA pc 0x%x x0 0x%x flags 0x%x".formatted(a.pc(), a.x0(), a.flags());
            };
            out.line(1, "%s VP %d: %s", mask(c.compatibilityMask()), c.vpIndex(), what);
        }
    }

    private static void section(Text out, String title, List<? extends IgvmHeader> headers) {
        if (headers.isEmpty()) {
            return;
        }
        out.line(0, "%s:", title);
        for (IgvmHeader h : headers) {
            out.line(1, "%s", HeaderSummary.of(h));
        }
    }

    static String mask(int mask) {
        return "[mask 0x%x]".formatted(Integer.toUnsignedLong(mask));
    }

    private static final class Text {
        private final StringBuilder sb = new StringBuilder();

        void line(int indent, String format, Object... args) {
            sb.append("  ".repeat(indent)).append(String.format(format, args)).append('\n');
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
