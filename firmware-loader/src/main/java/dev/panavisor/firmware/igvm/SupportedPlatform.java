package dev.panavisor.firmware.igvm;

/**
 * Declares one platform the file can be loaded on and the single compatibility-mask bit that later
 * headers use to target it.
 *
 * @param highestVtl        highest VTL the guest activates (0 or 2; 0 where VTLs do not exist)
 * @param sharedGpaBoundary GPA above which memory is host visible, or 0 if the guest manages sharing
 */
public record SupportedPlatform(int compatibilityMask, int highestVtl, PlatformType platformType,
                                int platformVersion, long sharedGpaBoundary) implements PlatformHeader, CompatibilityMasked {
    public SupportedPlatform {
        FieldRanges.u8("highestVtl", highestVtl);
        FieldRanges.present("platformType", platformType);
        FieldRanges.u16("platformVersion", platformVersion);
    }

    @Override
    public HeaderType headerType() {
        return HeaderType.SUPPORTED_PLATFORM;
    }
}
