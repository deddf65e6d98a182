package dev.panavisor.firmware.linux;

import java.util.Arrays;

/**
 * A bzImage split as a 64-bit boot loader needs it: the validated setup header, the header
 * bytes to copy into the zero page, and the protected-mode kernel to load.
 */
public final class BzImage implements KernelImage {
    private final byte[] file;
    private final SetupHeader header;

    private BzImage(byte[] file, SetupHeader header) {
        this.file = file;
        this.header = header;
    }

    /** Parses {@code file}; throws {@link LinuxImageFormatException} naming the field at fault. */
    public static BzImage parse(byte[] file) {
        return new BzImage(file, SetupHeader.parse(file));
    }

    public SetupHeader header() { return header; }

    /**
     * The raw setup header, file bytes [0x1F1, headerEnd), which boot.rst says a boot loader
     * copies into the zero page at the same offset before filling in its own fields.
     */
    public byte[] headerBytes() {
        return Arrays.copyOfRange(file, SetupHeaderField.HEADER_START, header.headerEnd());
    }

    /** Offset and length of the protected-mode kernel in the file. */
    public long protectedModeOffset() { return header.protectedModeOffset(); }

    public long protectedModeLength() { return file.length - header.protectedModeOffset(); }

    /** The whole file; callers copy [protectedModeOffset, end) to the load address. */
    public byte[] file() { return file; }

    /** The compressed payload (the vmlinux inside), as the header describes it. */
    public byte[] payload() {
        int from = (int) (header.protectedModeOffset() + header.payloadOffset());
        return Arrays.copyOfRange(file, from, from + (int) header.payloadLength());
    }

    /** How the payload is compressed, from its magic bytes. */
    public PayloadCompression payloadCompression() {
        int from = (int) (header.protectedModeOffset() + header.payloadOffset());
        return PayloadCompression.detect(file, from, (int) header.payloadLength());
    }
}
