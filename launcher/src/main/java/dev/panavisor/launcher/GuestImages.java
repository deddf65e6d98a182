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

    /** Test firmware ROM: the host's firmware of the firmware-update tests (launcher/src/main/guest/README.md). */
    public static final String FWUPDATE_STAGE1 = "fwupdate-stage1";
    /** Test firmware ROM: the guest's new firmware, printing "STAGE2 OK". */
    public static final String FWUPDATE_STAGE2 = "fwupdate-stage2";

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");

    private GuestImages() { }

    /** The image bytes of test guest {@code name}; fails with a message saying why if it is not there. */
    public static byte[] load(String name) {
        return resource(name, ".bin");
    }

    /** The 64 KiB test firmware ROM {@code name}, built from {@code src/main/guest/rom/NAME.S}. */
    public static byte[] rom(String name) {
        return resource(name, ".rom");
    }

    private static byte[] resource(String name, String suffix) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a test guest name: " + name);
        }
        String resource = "/guests/" + name + suffix;
        try (InputStream in = GuestImages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test guest '" + name + "': resource " + resource
                        + " is missing; it is built from launcher/src/main/guest/" + (suffix.equals(".rom") ? "rom/" : "") + name + ".S by scripts/build-guests.sh"
                        + " in the launcher's generate-resources phase");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading test guest resource " + resource, e);
        }
    }
}
