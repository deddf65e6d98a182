package dev.panavisor.firmware.ovmf;

import java.util.Optional;

/**
 * Section types of the TDVF metadata (Intel TDX Virtual Firmware Design Guide, "TDVF metadata";
 * edk2 {@code OvmfPkg/ResetVector/X64/IntelTdxMetadata.asm}; td-shim adds the payload types).
 */
public enum TdvfSectionType {
    /** Boot firmware volume: code, copied from the image and measured into MRTD. */
    BFV(0),
    /** Configuration firmware volume (UEFI variables): copied, not extended into MRTD. */
    CFV(1),
    /** Where the VMM writes the TD hand-off block list; no data in the image. */
    TD_HOB(2),
    /** Early stacks, heap, mailbox, page tables: zeroed private memory; no data in the image. */
    TEMP_MEM(3),
    /** Permanent memory the TD accepts itself (PAGE.AUG); td-shim. */
    PERM_MEM(4),
    /** A kernel image; td-shim. */
    PAYLOAD(5),
    /** Kernel parameters; td-shim. */
    PAYLOAD_PARAM(6),
    /** A TD_INFO structure in the image; td-shim. */
    TD_INFO(7),
    /** TD_PARAMS; td-shim. */
    TD_PARAMS(8);

    private final int code;

    TdvfSectionType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<TdvfSectionType> fromCode(long code) {
        for (TdvfSectionType t : values()) {
            if (t.code == code) return Optional.of(t);
        }
        return Optional.empty();
    }
}
