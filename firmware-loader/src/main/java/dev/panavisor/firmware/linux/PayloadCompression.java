package dev.panavisor.firmware.linux;

/**
 * The compressors a bzImage payload may use (arch/x86/boot/compressed), recognised by magic.
 * Every one except gzip carries a 4-byte little-endian uncompressed size after the stream,
 * which stand-alone decompressors do not expect.
 */
public enum PayloadCompression {
    GZIP(new int[] {0x1F, 0x8B}, false),
    BZIP2(new int[] {'B', 'Z', 'h'}, true),
    LZMA(new int[] {0x5D, 0x00, 0x00}, true),
    XZ(new int[] {0xFD, '7', 'z', 'X', 'Z', 0x00}, true),
    LZO(new int[] {0x89, 'L', 'Z', 'O'}, true),
    /** The legacy LZ4 frame the kernel's lz4 wrapper writes. */
    LZ4(new int[] {0x02, 0x21, 0x4C, 0x18}, true),
    ZSTD(new int[] {0x28, 0xB5, 0x2F, 0xFD}, true),
    /** An uncompressed ELF (CONFIG_KERNEL_UNCOMPRESSED). */
    NONE(new int[] {0x7F, 'E', 'L', 'F'}, false);

    private final int[] magic;
    private final boolean sizeAppended;

    PayloadCompression(int[] magic, boolean sizeAppended) {
        this.magic = magic;
        this.sizeAppended = sizeAppended;
    }

    /** Whether the kernel build appended the 4-byte decompressed size after the stream. */
    public boolean sizeAppended() { return sizeAppended; }

    /** Recognises [offset, offset+length) of {@code data} by its first bytes. */
    public static PayloadCompression detect(byte[] data, int offset, int length) {
        return detect(data, offset, length, offset);
    }

    /** As {@link #detect(byte[], int, int)}; errors name {@code fileOffset} as where the payload starts. */
    static PayloadCompression detect(byte[] data, int offset, int length, long fileOffset) {
        for (PayloadCompression c : values()) {
            if (c.matches(data, offset, length)) return c;
        }
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < Math.min(6, length); i++) first.append(String.format("%02x ", data[offset + i] & 0xFF));
        throw LinuxImageFormatException.at("payload", fileOffset, "starts with " + first.toString().trim()
                + ", the magic of no compressor the kernel build uses");
    }

    private boolean matches(byte[] data, int offset, int length) {
        if (length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) {
            if ((data[offset + i] & 0xFF) != magic[i]) return false;
        }
        return true;
    }
}
