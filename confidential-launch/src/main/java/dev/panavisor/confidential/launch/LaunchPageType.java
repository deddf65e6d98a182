package dev.panavisor.confidential.launch;

/**
 * How a range of guest pages enters a launch. The types are the union of what the isolation
 * technologies distinguish (SNP_LAUNCH_UPDATE page types, TDX measured/unmeasured regions, SEV
 * LAUNCH_UPDATE_DATA) plus the two kinds of memory that are not launch data at all.
 */
public enum LaunchPageType {
    /** Private pages whose contents are loaded and measured. */
    NORMAL(true, true),
    /**
     * Private pages that start as zeros and are measured as such. SEV-SNP can have the PSP
     * zero-fill them (PAGE_TYPE_ZERO) or be handed zeros as normal pages; which one is a
     * convention of the measuring context, see {@code SnpLaunchConventions}.
     */
    ZERO(true, false),
    /** Private pages whose contents are loaded but deliberately not measured. */
    UNMEASURED(false, true),
    /** SEV-SNP secrets page, filled by the PSP; measured by type and address only. */
    SECRETS(true, false),
    /** SEV-SNP CPUID page, checked and filled by the PSP; measured by type and address only. */
    CPUID(true, false),
    /** Host-visible pages: loaded, never encrypted, never measured. */
    SHARED(false, true),
    /**
     * Memory the guest requires (IGVM required-memory directive): it must exist and, on
     * isolated platforms, be private; no contents, no measurement.
     */
    REQUIRED(false, false);

    private final boolean measured;
    private final boolean takesContents;

    LaunchPageType(boolean measured, boolean takesContents) {
        this.measured = measured;
        this.takesContents = takesContents;
    }

    /** Whether any platform's launch digest covers pages of this type. */
    public boolean measured() {
        return measured;
    }

    /** Whether the caller supplies contents (otherwise the pages start zeroed or platform-filled). */
    public boolean takesContents() {
        return takesContents;
    }
}
