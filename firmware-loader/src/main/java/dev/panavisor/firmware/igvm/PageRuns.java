package dev.panavisor.firmware.igvm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Coalesces page data headers into {@link PageRun}s. Files for several platforms often interleave
 * their imports page by page, so a run stays open per (mask, type, flags) rather than breaking at
 * the first header of another kind. Runs are listed in the order they start.
 */
public final class PageRuns {
    private record Kind(int mask, PageDataType type, PageDataFlags flags) {}

    private PageRuns() {}

    public static List<PageRun> of(List<? extends IgvmHeader> headers) {
        List<PageRun> runs = new ArrayList<>();
        Map<Kind, Integer> open = new HashMap<>();
        for (IgvmHeader h : headers) {
            if (!(h instanceof PageData page)) {
                continue;
            }
            Kind kind = new Kind(page.compatibilityMask(), page.dataType(), page.flags());
            Integer at = open.get(kind);
            if (at != null && runs.get(at).continuesWith(page)) {
                runs.set(at, runs.get(at).extendedBy(page));
            } else {
                open.put(kind, runs.size());
                runs.add(PageRun.startingWith(page));
            }
        }
        return runs;
    }
}
