package dev.panavisor.devices.vmfwupdate;

/**
 * What kind of firmware image a guest stages. The bit is how {@code etc/vmlaunchupdate} names the
 * format in its {@code capabilities} and {@code control} fields (the upper 32 bits are format
 * bits, the lower ones control bits).
 */
public enum ImageFormat {
    /** An IGVM file (QEMU's VM_LAUNCHUPDATE_FORMAT_IGVM). */
    IGVM(1L << 32),
    /**
     * A raw platform ROM (SeaBIOS {@code bios.bin}, {@code OVMF.fd}) that replaces the firmware
     * region below 4 GiB. Panavisor's extension bit, taken from the drafts of the same QEMU
     * discussion; QEMU itself does not define it.
     */
    PLATFORM_ROM(1L << 33);

    /** Every bit of {@code control}/{@code capabilities} that names a format. */
    public static final long FORMAT_MASK = 0xFFFF_FFFF_0000_0000L;

    private final long bit;

    ImageFormat(long bit) { this.bit = bit; }

    public long bit() { return bit; }

    /** The format whose bit is exactly {@code bits}, or null (none, several, or an unknown one). */
    public static ImageFormat ofBit(long bits) {
        for (ImageFormat f : values()) {
            if (f.bit == bits) return f;
        }
        return null;
    }
}
