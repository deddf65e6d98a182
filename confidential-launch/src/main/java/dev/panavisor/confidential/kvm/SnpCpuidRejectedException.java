package dev.panavisor.confidential.kvm;

import java.util.List;

/**
 * The PSP refused the SEV-SNP CPUID page (SNP_LAUNCH_UPDATE, firmware status INVALID_PARAM) and
 * KVM returned the page with the values the PSP would accept. Carries that page and the list of
 * what differs, so a caller that accepts the PSP's values can launch a new VM with them
 * ({@link SnpKvmOptions#withCpuidPage}); Panavisor never does so on its own (docs/confidential-backends.md).
 */
public final class SnpCpuidRejectedException extends LaunchCommandException {
    private static final long serialVersionUID = 1L;

    private final byte[] correctedPage;
    private final List<String> corrections;

    SnpCpuidRejectedException(LaunchCommandException failure, byte[] correctedPage, List<String> corrections) {
        super(failure.getMessage() + summary(corrections), failure.command(), failure.errno(), failure.firmwareError());
        this.correctedPage = correctedPage.clone();
        this.corrections = List.copyOf(corrections);
    }

    private static String summary(List<String> corrections) {
        if (corrections.isEmpty()) return "; KVM returned the CPUID page unchanged, so the PSP named no entry";
        int shown = Math.min(corrections.size(), 4);
        return "; the PSP corrected " + corrections.size() + " value(s) in the CPUID page: " + String.join("; ", corrections.subList(0, shown))
                + (shown < corrections.size() ? "; ..." : "");
    }

    /** The 4 KiB CPUID page as the PSP returned it. */
    public byte[] correctedPage() {
        return correctedPage.clone();
    }

    /** What the PSP changed, one line per register or count (empty if the page came back unchanged). */
    public List<String> corrections() {
        return corrections;
    }
}
