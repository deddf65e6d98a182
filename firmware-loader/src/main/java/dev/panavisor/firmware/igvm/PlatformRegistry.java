package dev.panavisor.firmware.igvm;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The platforms declared so far and the mask bits they own. Every later compatibility mask is
 * checked against it, since a platform must be declared before anything refers to its bit.
 */
final class PlatformRegistry {
    private final IgvmArchitecture architecture;
    private final List<SupportedPlatform> platforms = new ArrayList<>();
    private final Set<PlatformType> types = EnumSet.noneOf(PlatformType.class);
    private int declaredMask;

    PlatformRegistry(IgvmArchitecture architecture) {
        this.architecture = architecture;
    }

    void declare(SupportedPlatform p, Site site) throws IgvmFormatException {
        int mask = p.compatibilityMask();
        if (Integer.bitCount(mask) != 1) {
            throw site.violation(IgvmRule.COMPATIBILITY_MASK, "platform mask 0x%x must have exactly one bit set",
                    Integer.toUnsignedLong(mask));
        }
        if ((declaredMask & mask) != 0) {
            throw site.violation(IgvmRule.COMPATIBILITY_MASK, "mask bit 0x%x is already owned by another platform",
                    Integer.toUnsignedLong(mask));
        }
        if (!types.add(p.platformType())) {
            throw site.violation(IgvmRule.DUPLICATE_PLATFORM, "%s declared again", p.platformType());
        }
        if (p.highestVtl() != 0 && p.highestVtl() != 2) {
            throw site.violation(IgvmRule.INVALID_VTL, "highest VTL %d", p.highestVtl());
        }
        if (p.platformVersion() != PlatformType.DEFINED_VERSION) {
            throw site.violation(IgvmRule.PLATFORM_VERSION, "%s version %d", p.platformType(), p.platformVersion());
        }
        boolean enlightenedOnly = p.platformType() == PlatformType.NATIVE || p.platformType() == PlatformType.VSM_ISOLATION;
        if (enlightenedOnly && p.sharedGpaBoundary() != 0) {
            throw site.violation(IgvmRule.SHARED_GPA_BOUNDARY, "%s with boundary 0x%x",
                    p.platformType(), p.sharedGpaBoundary());
        }
        if (!p.platformType().runsOn(architecture)) {
            throw site.violation(IgvmRule.ARCHITECTURE_MISMATCH, "%s on %s", p.platformType(), architecture);
        }
        declaredMask |= mask;
        platforms.add(p);
    }

    /** A header's mask must name at least one platform and only declared ones. */
    void checkReference(int mask, Site site) throws IgvmFormatException {
        if (mask == 0) {
            throw site.violation(IgvmRule.COMPATIBILITY_MASK, "mask 0 applies to no platform");
        }
        if ((mask & ~declaredMask) != 0) {
            throw site.violation(IgvmRule.COMPATIBILITY_MASK, "mask 0x%x uses undeclared bits 0x%x",
                    Integer.toUnsignedLong(mask), Integer.toUnsignedLong(mask & ~declaredMask));
        }
    }

    /** The platform owning exactly this mask, if the mask is a single declared bit. */
    Optional<SupportedPlatform> exactly(int mask) {
        return platforms.stream().filter(p -> p.compatibilityMask() == mask).findFirst();
    }

    List<SupportedPlatform> within(int mask) {
        return platforms.stream().filter(p -> p.appliesTo(mask)).toList();
    }

    boolean isEmpty() {
        return platforms.isEmpty();
    }
}
