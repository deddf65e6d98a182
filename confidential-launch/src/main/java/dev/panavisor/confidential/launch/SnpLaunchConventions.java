package dev.panavisor.confidential.launch;

import dev.panavisor.confidential.snp.SnpLaunchDigest;

/**
 * The two choices an SEV-SNP launch digest depends on that the launch description cannot make,
 * because they belong to the VMM.
 *
 * @param zeroPages how {@link LaunchPageType#ZERO} pages reach SNP_LAUNCH_UPDATE
 * @param vmsaGpa   at which GPA VMSA pages are measured
 */
public record SnpLaunchConventions(ZeroPages zeroPages, VmsaGpa vmsaGpa) {
    /**
     * Panavisor's own launches: the PSP zero-fills zero pages (what QEMU does for OVMF's
     * pre-validated memory, and cheaper than encrypting zeros), and VMSAs sit where KVM puts them.
     */
    public static final SnpLaunchConventions PANAVISOR = new SnpLaunchConventions(ZeroPages.PSP_ZERO_FILL, VmsaGpa.KVM);
    /**
     * QEMU's IGVM loader: zero pages are handed over as normal pages of zeros; VMSAs as KVM measures them.
     */
    public static final SnpLaunchConventions QEMU_IGVM = new SnpLaunchConventions(ZeroPages.MEASURED_ZEROS, VmsaGpa.KVM);
    /** The igvm crate's measurement: zeros as normal pages, VMSAs at the GPA the file names. */
    public static final SnpLaunchConventions IGVM_CRATE = new SnpLaunchConventions(ZeroPages.MEASURED_ZEROS, VmsaGpa.AS_GIVEN);

    public SnpLaunchConventions {
        if (zeroPages == null || vmsaGpa == null) throw new NullPointerException();
    }

    public enum ZeroPages {
        /** PAGE_TYPE_ZERO: measured by type and GPA, no contents hash. */
        PSP_ZERO_FILL,
        /** PAGE_TYPE_NORMAL with the SHA-384 of a page of zeros. */
        MEASURED_ZEROS
    }

    public enum VmsaGpa {
        /** {@link SnpLaunchDigest#KVM_VMSA_GPA}: KVM keeps VMSAs outside guest memory. */
        KVM,
        /** The GPA passed to {@link LaunchContext#addVpContext}, as a hypervisor that maps VMSAs into the guest would. */
        AS_GIVEN
    }
}
