package dev.panavisor.devices.vmfwupdate;

/** Why the engine did not take a guest's request. Every refusal is logged with one of these and a detail. */
public enum RefusalReason {
    /** The interface is disabled (DISABLE control bit or {@code etc/vmfwupdate/disable}). */
    DISABLED,
    /** An image was given without a format bit in {@code control}. */
    NO_FORMAT,
    /** The format bits name no format, several, or one this machine does not offer. */
    FORMAT_NOT_OFFERED,
    /** A format was given but no image (address and size both zero, or one of them zero). */
    NO_IMAGE,
    /** The image is larger than the engine's bound. */
    IMAGE_TOO_LARGE,
    /** The image is not wholly inside one writable region of guest RAM. */
    IMAGE_NOT_IN_RAM,
    /** The inspector refused the image (unparsable IGVM, bad ROM size...). */
    IMAGE_INVALID,
    /** The image's own bytes lie in a range that installing it would write. */
    IMAGE_OVERLAPS_DEPLOYMENT,
    /** The opaque region is not wholly inside writable guest RAM, or only one of address/size is set. */
    OPAQUE_NOT_IN_RAM,
    /** The opaque region lies in a range that installing the image would write. */
    OPAQUE_OVERLAPS_DEPLOYMENT,
    /**
     * QEMU-compatible mode only: the VM was not started from an IGVM file, so (as in QEMU) it
     * cannot take one. Reported as status NOT_IGVM_INIT.
     */
    NOT_IGVM_LAUNCH
}
