package dev.panavisor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * Loads the test guests that the build assembles from {@code src/main/guest/NAME.S} into the
 * classpath resources {@code /guests/NAME.bin}. Each is a flat image for the contract in
 * {@link GuestBootContract}: copy it to {@link GuestBootContract#LOAD_ADDRESS} and start the vCPUs.
 */
public final class GuestImages {
    /** Prints a long-mode banner on COM1, then writes 0 to the debug-exit port. */
    public static final String DEMO = "demo";
    /** Each vCPU writes a numbered sequence to its own port, then halts. */
    public static final String SMP = "smp";

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");

    private GuestImages() { }

    /** The image bytes of test guest {@code name}; fails with a message saying why if it is not there. */
    public static byte[] load(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a test guest name: " + name);
        }
        String resource = "/guests/" + name + ".bin";
        try (InputStream in = GuestImages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test guest '" + name + "': resource " + resource
                        + " is missing; it is built from launcher/src/main/guest/" + name + ".S by scripts/build-guests.sh"
                        + " in the launcher's generate-resources phase");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading test guest resource " + resource, e);
        }
    }
}
