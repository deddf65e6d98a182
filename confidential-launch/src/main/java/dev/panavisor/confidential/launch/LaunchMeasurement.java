package dev.panavisor.confidential.launch;

import java.util.HexFormat;

/**
 * What a finished launch context reports: the launch digest the platform would put in its
 * attestation evidence (SNP MEASUREMENT, SEV/SEV-ES launch digest, TDX MRTD), or none for a
 * native launch, and how that digest came about ({@link Provenance}). Always computed by
 * software from the launch steps; no hardware vouched for it.
 */
public record LaunchMeasurement(LaunchPlatform platform, byte[] digest, long pages, int vpContexts, Provenance provenance) {
    /** Where a digest comes from. None of them is an attestation. */
    public enum Provenance {
        /** Computed in software from the launch steps; no VM was launched. */
        COMPUTED("computed from the launch steps; not attested"),
        /**
         * The guest runs in an ordinary, unencrypted KVM VM while the digest the isolation
         * hardware would produce is computed step by step alongside: a simulation.
         */
        SIMULATED("simulation: ordinary VM, measurement computed in software; not hardware attestation"),
        /**
         * The launch ran through KVM's SEV-SNP or TDX commands, which do not return the digest;
         * this is the value computed from the same steps. Only the guest's attestation report
         * carries the hardware's own value.
         */
        EXPECTED("expected for this hardware launch; KVM does not return the digest; not attested");

        private final String label;

        Provenance(String label) {
            this.label = label;
        }

        /** A phrase for people: what the digest is and is not. */
        public String label() {
            return label;
        }
    }

    public LaunchMeasurement {
        digest = digest.clone();
        if (provenance == null) throw new NullPointerException("provenance");
    }

    /** A digest computed from the launch steps alone. */
    public LaunchMeasurement(LaunchPlatform platform, byte[] digest, long pages, int vpContexts) {
        this(platform, digest, pages, vpContexts, Provenance.COMPUTED);
    }

    public static LaunchMeasurement unmeasured(long pages, int vpContexts) {
        return new LaunchMeasurement(LaunchPlatform.NATIVE, new byte[0], pages, vpContexts);
    }

    /** The same measurement with another provenance. */
    public LaunchMeasurement withProvenance(Provenance p) {
        return new LaunchMeasurement(platform, digest, pages, vpContexts, p);
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
        return "LaunchMeasurement[" + platform + " "
                + (isMeasured() ? platform.digestAlgorithm() + " " + hex() + " (" + provenance.label() + ")" : "unmeasured")
                + ", " + pages + " pages, " + vpContexts + " VP contexts]";
    }
}
