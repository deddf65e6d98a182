package dev.panavisor.confidential.launch;

import java.util.HexFormat;

/**
 * What a finished launch context reports: the launch digest the platform would put in its
 * attestation evidence (SNP MEASUREMENT, SEV/SEV-ES launch digest, TDX MRTD), or none for a
 * native launch. Computed by software from the launch steps; no hardware vouched for it.
 */
public record LaunchMeasurement(LaunchPlatform platform, byte[] digest, long pages, int vpContexts) {
    public LaunchMeasurement {
        digest = digest.clone();
    }

    public static LaunchMeasurement unmeasured(long pages, int vpContexts) {
        return new LaunchMeasurement(LaunchPlatform.NATIVE, new byte[0], pages, vpContexts);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    public boolean isMeasured() {
        return digest.length > 0;
    }

    /** The digest in lower-case hex, as verifiers print it; empty when unmeasured. */
    public String hex() {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public String toString() {
        return "LaunchMeasurement[" + platform + " " + (isMeasured() ? platform.digestAlgorithm() + " " + hex() : "unmeasured")
                + ", " + pages + " pages, " + vpContexts + " VP contexts]";
    }
}
