package dev.panavisor.confidential.kvm;

/**
 * Names of the AMD secure processor's status codes (SEV-SNP Firmware ABI, "Status Codes"
 * table; the same values as SEV_RET_* in linux/psp-sev.h), which KVM passes back in
 * {@code kvm_sev_cmd.error} when a launch command fails in firmware.
 */
public final class SevFirmwareStatus {
    private static final String[] NAMES = {
            "SUCCESS", "INVALID_PLATFORM_STATE", "INVALID_GUEST_STATE", "INVALID_CONFIG", "INVALID_LENGTH",
            "ALREADY_OWNED", "INVALID_CERTIFICATE", "POLICY_FAILURE", "INACTIVE", "INVALID_ADDRESS",
            "BAD_SIGNATURE", "BAD_MEASUREMENT", "ASID_OWNED", "INVALID_ASID", "WBINVD_REQUIRED",
            "DF_FLUSH_REQUIRED", "INVALID_GUEST", "INVALID_COMMAND", "ACTIVE", "HWERROR_PLATFORM",
            "HWERROR_UNSAFE", "UNSUPPORTED", "INVALID_PARAM", "RESOURCE_LIMIT", "SECURE_DATA_INVALID",
            "INVALID_PAGE_SIZE", "INVALID_PAGE_STATE", "INVALID_MDATA_ENTRY", "INVALID_PAGE_OWNER",
    };

    public static final int INVALID_PARAM = 0x16;

    private SevFirmwareStatus() {}

    /** {@code "0x16 INVALID_PARAM"}; unknown codes as hex only. */
    public static String describe(int status) {
        String hex = "0x" + Integer.toHexString(status);
        return status >= 0 && status < NAMES.length ? hex + " " + NAMES[status] : hex;
    }
}
