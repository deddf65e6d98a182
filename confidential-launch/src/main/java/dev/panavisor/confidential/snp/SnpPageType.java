package dev.panavisor.confidential.snp;

/**
 * PAGE_TYPE values of SNP_LAUNCH_UPDATE (SNP ABI §8.17). Only normal and VMSA pages contribute
 * their contents to the digest; the others are measured by type and address alone, since the
 * PSP either zeroes them or fills them itself.
 */
public enum SnpPageType {
    /** Guest data, encrypted and measured with its contents. */
    NORMAL(0x01, true),
    /** A vCPU's save area. */
    VMSA(0x02, true),
    /** A page the PSP zero-fills. */
    ZERO(0x03, false),
    /** A page whose (encrypted) contents are deliberately not measured. */
    UNMEASURED(0x04, false),
    /** The secrets page the PSP populates with VM platform communication keys. */
    SECRETS(0x05, false),
    /** The CPUID page the PSP checks against the hardware and fills. */
    CPUID(0x06, false);

    private final int code;
    private final boolean hasContents;

    SnpPageType(int code, boolean hasContents) {
        this.code = code;
        this.hasContents = hasContents;
    }

    /** The PAGE_TYPE byte. */
    public int code() {
        return code;
    }

    /** Whether PAGE_INFO.CONTENTS is the SHA-384 of the page (otherwise it is zero). */
    public boolean hasContents() {
        return hasContents;
    }
}
