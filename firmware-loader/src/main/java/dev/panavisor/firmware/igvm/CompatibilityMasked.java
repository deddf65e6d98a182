package dev.panavisor.firmware.igvm;

/**
 * A header that applies only to the platforms whose mask bits it carries; a loader for a platform
 * skips headers without that platform's bit.
 */
public interface CompatibilityMasked {
    int compatibilityMask();

    default boolean appliesTo(int platformMask) {
        return (compatibilityMask() & platformMask) != 0;
    }
}
