package dev.panavisor.launcher;

import dev.panavisor.confidential.launch.LaunchMeasurement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * {@code --measurement-log}: one JSON object per line for every launch and every rebuild of the
 * launch context, appended and flushed at once, so a verifier can compare the digest it computed
 * offline with what the VMM launched. A digest here is computed by software ("measured native"),
 * never reported by hardware; the {@code attested} field says so.
 */
final class MeasurementLog {
    /** What a launch was made from. */
    enum Source { INITIAL, UPDATE, RESTORE, RELAUNCH }

    private final Path file;

    MeasurementLog(Path file) {
        this.file = file;
    }

    /** Appends one line; the log is for verifiers, so an I/O failure is an error, not a warning. */
    synchronized void append(Source source, String platform, String imageKind, String imageSha256, LaunchMeasurement m, int vcpus) {
        String line = "{\"time\":\"" + Instant.now() + "\""
                + ",\"event\":\"" + source.name().toLowerCase(java.util.Locale.ROOT) + "\""
                + ",\"platform\":\"" + platform + "\""
                + ",\"image\":\"" + imageKind + "\""
                + ",\"image_sha256\":\"" + imageSha256 + "\""
                + ",\"digest\":\"" + m.hex() + "\""
                + ",\"digest_algorithm\":\"" + m.platform().digestAlgorithm() + "\""
                + ",\"vcpus\":" + vcpus
                + ",\"attested\":false}\n";
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the measurement log " + file, e);
        }
    }
}
