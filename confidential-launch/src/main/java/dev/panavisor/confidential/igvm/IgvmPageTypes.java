package dev.panavisor.confidential.igvm;

import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.firmware.igvm.PageData;

/**
 * How an IGVM page data directive enters a launch (IGVM page data types and flags, as QEMU's
 * IGVM loader and the igvm crate's measurement read them): shared pages are not launch data;
 * secrets and CPUID pages keep their type whatever the flags; a normal page is unmeasured if
 * flagged so, a zero page if it has no file data, else a measured page with contents.
 */
final class IgvmPageTypes {
    private IgvmPageTypes() {}

    static LaunchPageType of(PageData page) {
        if (page.flags().shared()) return LaunchPageType.SHARED;
        return switch (page.dataType()) {
            case SECRETS -> LaunchPageType.SECRETS;
            case CPUID_DATA, CPUID_XF -> LaunchPageType.CPUID;
            case NORMAL -> {
                if (page.flags().unmeasured()) yield LaunchPageType.UNMEASURED;
                yield page.isZeroPage() ? LaunchPageType.ZERO : LaunchPageType.NORMAL;
            }
        };
    }
}
