package dev.panavisor.confidential.launch;

/** The isolation technology a launch context builds a guest for. */
public enum LaunchPlatform {
    /** No isolation: pages are copied into ordinary guest RAM and nothing is measured. */
    NATIVE("none"),
    /** AMD SEV: SHA-256 over the encrypted launch data. */
    SEV("SHA-256"),
    /** AMD SEV-ES: SHA-256 over the launch data, then each vCPU's VMSA. */
    SEV_ES("SHA-256"),
    /** AMD SEV-SNP: SHA-384 chain over PAGE_INFO records. */
    SEV_SNP("SHA-384"),
    /** Intel TDX: MRTD, SHA-384 over MEM.PAGE.ADD and MR.EXTEND records. */
    TDX("SHA-384");

    private final String digestAlgorithm;

    LaunchPlatform(String digestAlgorithm) {
        this.digestAlgorithm = digestAlgorithm;
    }

    /** The hash the platform's launch digest uses, or "none". */
    public String digestAlgorithm() {
        return digestAlgorithm;
    }
}
