package dev.panavisor.launcher;

import dev.panavisor.firmware.igvm.PlatformType;

/** The platform names the CLI accepts, and the IGVM platform each stands for. */
final class PlatformNames {
    static final String ALL = "native, snp, sev-es, sev, tdx";

    private PlatformNames() {}

    /** The platform named {@code name}, or null if the name is unknown. */
    static PlatformType parse(String name) {
        return switch (name) {
            case "native" -> PlatformType.NATIVE;
            case "snp" -> PlatformType.SEV_SNP;
            case "sev-es" -> PlatformType.SEV_ES;
            case "sev" -> PlatformType.SEV;
            case "tdx" -> PlatformType.TDX;
            default -> null;
        };
    }
}
