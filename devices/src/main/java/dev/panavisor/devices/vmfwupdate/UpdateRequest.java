package dev.panavisor.devices.vmfwupdate;

/**
 * One guest request in the engine's terms, whichever interface it came through.
 *
 * @param formatBits  the format bits the guest set (upper half of {@code control}); 0 for none
 * @param imageGpa    where the staged image starts, 0 for none
 * @param imageSize   its size in bytes, 0 for none
 * @param oneShot     the image replaces the firmware for one reset only; the reset after it brings
 *                    back the host's firmware (HOST_IGVM set together with an image)
 * @param restoreHost with no image: the next reset brings back the host's firmware (HOST_IGVM alone)
 * @param disable     disable the interface after this request, until the host's firmware runs again
 * @param opaqueGpa   the opaque region the guest wants kept across the update (0 with size 0: none)
 * @param opaqueSize  its size
 */
public record UpdateRequest(long formatBits, long imageGpa, long imageSize, boolean oneShot, boolean restoreHost,
                            boolean disable, long opaqueGpa, long opaqueSize) {

    /** True when the guest named an image: an address or a size (QEMU's "addresses not cleared"). */
    public boolean hasImage() { return imageGpa != 0 || imageSize != 0; }

    /** True when the request asks for nothing but possibly DISABLE and the opaque region. */
    public boolean stagesNothing() { return !hasImage() && !restoreHost && formatBits == 0; }

    /** Stage {@code format} image [gpa, +size), permanently, nothing else. */
    public static UpdateRequest image(ImageFormat format, long gpa, long size) {
        return new UpdateRequest(format.bit(), gpa, size, false, false, false, 0, 0);
    }

    public UpdateRequest withOneShot() { return new UpdateRequest(formatBits, imageGpa, imageSize, true, restoreHost, disable, opaqueGpa, opaqueSize); }

    public UpdateRequest withDisable() { return new UpdateRequest(formatBits, imageGpa, imageSize, oneShot, restoreHost, true, opaqueGpa, opaqueSize); }

    public UpdateRequest withOpaque(long gpa, long size) { return new UpdateRequest(formatBits, imageGpa, imageSize, oneShot, restoreHost, disable, gpa, size); }

    /** Only "restore the host's firmware at the next reset". */
    public static UpdateRequest restoreHostFirmware() { return new UpdateRequest(0, 0, 0, false, true, false, 0, 0); }

    /** Only "disable the interface". */
    public static UpdateRequest disableOnly() { return new UpdateRequest(0, 0, 0, false, false, true, 0, 0); }
}
