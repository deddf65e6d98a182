package dev.panavisor.firmware.igvm;

/**
 * The isolation-architecture policy word: the SNP guest policy for SEV-SNP, the TD attributes policy
 * for TDX. Kept raw because its bit layout belongs to the platform, not to IGVM.
 */
public record GuestPolicy(long policy, int compatibilityMask) implements InitializationHeader, CompatibilityMasked {
    @Override
    public HeaderType headerType() {
        return HeaderType.GUEST_POLICY;
    }
}
