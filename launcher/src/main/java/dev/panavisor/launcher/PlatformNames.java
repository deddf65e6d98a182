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

    /** The CLI name of {@code type}. */
    static String name(PlatformType type) {
        return switch (type) {
            case NATIVE -> "native";
            case SEV_SNP -> "snp";
            case SEV_ES -> "sev-es";
            case SEV -> "sev";
            case TDX -> "tdx";
            default -> type.toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The launch platform named {@code name}, or null if the name is unknown. */
    static dev.panavisor.confidential.launch.LaunchPlatform launchPlatform(String name) {
        PlatformType t = parse(name);
        if (t == null) return null;
        return switch (t) {
            case NATIVE -> dev.panavisor.confidential.launch.LaunchPlatform.NATIVE;
            case SEV_SNP -> dev.panavisor.confidential.launch.LaunchPlatform.SEV_SNP;
            case SEV_ES -> dev.panavisor.confidential.launch.LaunchPlatform.SEV_ES;
            case SEV -> dev.panavisor.confidential.launch.LaunchPlatform.SEV;
            case TDX -> dev.panavisor.confidential.launch.LaunchPlatform.TDX;
            default -> null;
        };
    }
}
