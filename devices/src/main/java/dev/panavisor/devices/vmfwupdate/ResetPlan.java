package dev.panavisor.devices.vmfwupdate;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What the machine does with its firmware at a cold reset, as decided by
 * {@link FirmwareUpdateEngine#takeUpdateForReset()}. Guest RAM is kept in every case.
 */
public sealed interface ResetPlan {
    /** Run again whatever firmware is installed now (the host's, or a guest image installed permanently). */
    record KeepCurrentFirmware() implements ResetPlan {}

    /** Go back to the firmware the VM was started with (its IGVM file, ROM or pflash). */
    record RestoreHostFirmware() implements ResetPlan {}

    /**
     * Install the guest's image in place of the current firmware. {@code image} is a live view of
     * guest RAM, valid only during this reset, or, when {@code captured}, the engine's private
     * read-only copy taken when the guest staged it (the same segment its
     * {@link FirmwareUpdateEngine.CaptureListener} was given): the machine copies the ROM into the firmware region
     * (straight from this slice) or parses the IGVM and rebuilds the launch context from it, and
     * keeps whatever it needs to run the same firmware again on later plain resets.
     *
     * @param format   what the image is
     * @param gpa      where it is in guest RAM
     * @param image    the bytes, {@code [gpa, gpa + image.byteSize())}
     * @param deploys  the ranges the inspector said installing it writes (checked against the image and the opaque region)
     * @param oneShot  true when the next reset after this one restores the host's firmware
     * @param captured true when {@code image} is the engine's copy from staging time, not guest RAM
     */
    record InstallImage(ImageFormat format, long gpa, MemorySegment image, List<GpaRange> deploys, boolean oneShot,
                        boolean captured) implements ResetPlan {
        public InstallImage {
            deploys = List.copyOf(deploys);
        }

        /** An image read from guest RAM at this reset. */
        public InstallImage(ImageFormat format, long gpa, MemorySegment image, List<GpaRange> deploys, boolean oneShot) {
            this(format, gpa, image, deploys, oneShot, false);
        }

        public long size() { return image.byteSize(); }
    }
}
