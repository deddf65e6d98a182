package dev.panavisor.firmware.ovmf;

import java.util.Optional;

/**
 * Kinds of guest memory the OVMF SEV metadata lists (edk2 {@code OvmfPkg/ResetVector/X64/
 * OvmfSevMetadata.asm}). Each tells the hypervisor how to populate the range before an SEV-SNP
 * launch, because the firmware starts with paging and its early data already in place and cannot
 * validate those pages itself.
 */
public enum OvmfSevSectionType {
    /** Early firmware memory (page tables, stacks, work areas): pre-validated, zero-filled. */
    SNP_SEC_MEMORY(1),
    /** The SNP secrets page the PSP fills (VMPCKs, etc.). */
    SNP_SECRETS(2),
    /** The CPUID page the PSP validates from the hypervisor's proposed CPUID table. */
    CPUID(3),
    /** The calling-area page an SVSM uses; zero-filled. */
    SVSM_CAA(4),
    /** The page that holds the kernel/initrd/cmdline hash table for measured direct boot. */
    SNP_KERNEL_HASHES(0x10);

    private final int code;

    OvmfSevSectionType(int code) {
        this.code = code;
    }

    /** The value in the metadata's section type field. */
    public int code() {
        return code;
    }

    public static Optional<OvmfSevSectionType> fromCode(long code) {
        for (OvmfSevSectionType t : values()) {
            if (t.code == code) return Optional.of(t);
        }
        return Optional.empty();
    }
}
