package dev.panavisor.firmware.igvm;

/** One human-readable line per header, for the describer's generic sections. */
final class HeaderSummary {
    private HeaderSummary() {}

    private static String authorKey(int enabled) {
        return switch (enabled) {
            case 0 -> "disabled";
            case 1 -> "enabled";
            default -> "flag 0x%x".formatted(enabled);
        };
    }

    static String of(IgvmHeader header) {
        return switch (header) {
            case SupportedPlatform p -> "%s platform %s".formatted(IgvmDescriber.mask(p.compatibilityMask()), p.platformType());
            case GuestPolicy g -> "%s guest policy 0x%x".formatted(IgvmDescriber.mask(g.compatibilityMask()), g.policy());
            case RelocatableRegion r -> ("%s relocatable region 0x%x+0x%x, alignment 0x%x, range 0x%x-0x%x,"
                    + " VP %d VTL %d%s%s%s").formatted(IgvmDescriber.mask(r.compatibilityMask()),
                    r.relocationRegionGpa(), r.relocationRegionSize(), r.relocationAlignment(),
                    r.minimumRelocationGpa(), r.maximumRelocationGpa(), r.vpIndex(), r.vtl(),
                    r.isVtl2() ? ", VTL2" : "", r.applyPc() ? ", moves PC" : "", r.applyGdtr() ? ", moves GDTR" : "");
            case PageTableRelocation t -> "%s page table region 0x%x+0x%x (0x%x used), VP %d VTL %d".formatted(
                    IgvmDescriber.mask(t.compatibilityMask()), t.gpa(), t.size(), t.usedSize(), t.vpIndex(), t.vtl());
            case CorimDocument d -> "%s CoRIM document, %d bytes".formatted(IgvmDescriber.mask(d.compatibilityMask()), d.sizeBytes());
            case CorimSignature s -> "%s CoRIM signature, %d bytes".formatted(IgvmDescriber.mask(s.compatibilityMask()), s.sizeBytes());
            case CcaPolicy c -> "%s CCA policy: attributes required 0 0x%x, required 1 0x%x, %s, %s".formatted(
                    IgvmDescriber.mask(c.compatibilityMask()), c.attributesRequiredZeroes(), c.attributesRequiredOnes(),
                    c.hashAlgorithm(), c.lfaPolicy());
            case ParameterArea a -> "parameter area %d, 0x%x bytes".formatted(a.parameterAreaIndex(), a.numberOfBytes());
            case PageData d -> "%s page 0x%x %s".formatted(IgvmDescriber.mask(d.compatibilityMask()), d.gpa(), d.dataType());
            case ParameterInsert i -> "%s insert area %d at 0x%x".formatted(
                    IgvmDescriber.mask(i.compatibilityMask()), i.parameterAreaIndex(), i.gpa());
            case ParameterUsage u -> "%s in area %d at +0x%x".formatted(u.kind(), u.parameterAreaIndex(), u.byteOffset());
            case VpContext c -> "%s VP context VP %d".formatted(IgvmDescriber.mask(c.compatibilityMask()), c.vpIndex());
            case RequiredMemory m -> "%s required memory 0x%x+0x%x%s".formatted(IgvmDescriber.mask(m.compatibilityMask()),
                    m.gpa(), m.numberOfBytes(), m.vtl2Protectable() ? ", VTL2 protectable" : "");
            case ErrorRange e -> "%s error range 0x%x+0x%x".formatted(IgvmDescriber.mask(e.compatibilityMask()), e.gpa(), e.sizeBytes());
            case SnpIdBlock b -> "%s SNP ID block: family %s image %s version %d SVN %d, author key %s, LD %s".formatted(
                    IgvmDescriber.mask(b.compatibilityMask()), b.familyId().toHex(), b.imageId().toHex(), b.version(),
                    b.guestSvn(), authorKey(b.authorKeyEnabled()), b.ld().toHex());
            case VbsMeasurement m -> "%s VBS measurement: product %d module %d SVN %d policy 0x%x, digest %s".formatted(
                    IgvmDescriber.mask(m.compatibilityMask()), m.productId(), m.moduleId(), m.securityVersion(),
                    m.policyFlags(), m.bootMeasurementDigest().toHex());
            case IgnorableHeader i -> "type 0x%08x, %d bytes".formatted(Integer.toUnsignedLong(i.typeCode()), i.payload().length());
        };
    }
}
