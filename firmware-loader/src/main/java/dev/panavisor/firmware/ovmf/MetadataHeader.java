package dev.panavisor.firmware.ovmf;

/**
 * The 16-byte header OVMF's SEV metadata ("ASEV") and TDVF metadata ("TDVF") share: signature,
 * u32 length, u32 version, u32 section count, found {@code offsetFromEnd} bytes before the end
 * of the image. Each format then applies its own length and section rules.
 *
 * @param at     image offset of the header
 * @param length the declared length of header plus sections
 * @param count  the declared number of sections
 */
record MetadataHeader(long at, long length, long count) {
    static final int SIZE = 16;
    static final int VERSION = 1;

    /** Reads and checks the header; {@code what} names the structure in errors ("SEV metadata"). */
    static MetadataHeader read(FirmwareImage image, long offsetFromEnd, String what, int signature, String signatureText) {
        if (offsetFromEnd < SIZE || offsetFromEnd > image.size()) {
            throw new OvmfFormatException(String.format(
                    "%s: %s offset 0x%x (from the end) points outside the 0x%x-byte image",
                    image.name(), what, offsetFromEnd, image.size()));
        }
        long at = image.size() - offsetFromEnd;
        long found = image.u32(at, what + " signature");
        if (found != signature) {
            throw new OvmfFormatException(String.format(
                    "%s: %s at image offset 0x%x has signature 0x%08x, expected \"%s\"",
                    image.name(), what, at, found, signatureText));
        }
        long length = image.u32(at + 4, what + " length");
        long version = image.u32(at + 8, what + " version");
        long count = image.u32(at + 12, what + " section count");
        if (version != VERSION) {
            throw new OvmfFormatException(String.format(
                    "%s: %s at image offset 0x%x has version %d, only version %d is defined",
                    image.name(), what, at, version, VERSION));
        }
        return new MetadataHeader(at, length, count);
    }
}
