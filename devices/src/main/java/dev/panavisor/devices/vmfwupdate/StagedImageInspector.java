package dev.panavisor.devices.vmfwupdate;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * Looks inside a staged image for the machine. The devices module does not parse IGVM (that is
 * firmware-loader's job, which devices must not depend on), so the machine that wires the engine
 * supplies one inspector per format it can install; the engine offers exactly those formats.
 *
 * <p>An inspector runs on the vCPU thread that wrote the fw-cfg file (for {@code etc/vmlaunchupdate})
 * or on the resetting thread (every format, again, just before installation), with the engine
 * locked. It must not throw for bad input (a throw counts as a refusal, with the exception's
 * message as the reason), must not keep {@code image} beyond the call (it is a live view of guest
 * RAM the guest may change at any time), and should be quick: it stalls the vCPU.
 */
@FunctionalInterface
public interface StagedImageInspector {
    /**
     * Parses {@code image} (the staged bytes, at guest-physical {@code gpa}) and says which
     * guest-physical ranges installing it would write, or why it cannot be installed.
     */
    Inspection inspect(ImageFormat format, long gpa, MemorySegment image);

    /** The outcome of {@link #inspect}. */
    sealed interface Inspection permits Deploys, Refused {}

    /**
     * The image is installable and writes these guest-physical ranges (page data, VP contexts,
     * the firmware region...). The engine refuses the image if its own bytes or the opaque region
     * lie in any of them: installing it would overwrite the source halfway through, or the data
     * the guest asked to keep.
     */
    record Deploys(List<GpaRange> ranges) implements Inspection {
        public Deploys {
            ranges = List.copyOf(ranges);
        }
    }

    /** The image is not installable, and why (for the log). */
    record Refused(String reason) implements Inspection {
        public Refused {
            Objects.requireNonNull(reason);
        }
    }

    static Inspection deploys(List<GpaRange> ranges) { return new Deploys(ranges); }

    static Inspection refused(String reason) { return new Refused(reason); }
}
