package dev.panavisor.firmware.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A bzImage split as a 64-bit boot loader needs it: the validated setup header, the header
 * bytes to copy into the zero page, and the protected-mode kernel to load.
 */
public final class BzImage implements KernelImage {
    private final MemorySegment file;
    private final SetupHeader header;

    private BzImage(MemorySegment file, SetupHeader header) {
        this.file = file;
        this.header = header;
    }

    /** Parses {@code file}; throws {@link LinuxImageFormatException} naming the field at fault. */
    public static BzImage parse(byte[] file) {
        return parse(MemorySegment.ofArray(file));
    }

    /**
     * Parses a bzImage held in {@code file}, which may be a read-only mapping of the file: only
     * the setup area is read here. The segment must stay valid while this object is used.
     */
    public static BzImage parse(MemorySegment file) {
        return new BzImage(file, SetupHeader.parse(file));
    }

    public SetupHeader header() { return header; }

    /**
     * The raw setup header, file bytes [0x1F1, headerEnd), which boot.rst says a boot loader
     * copies into the zero page at the same offset before filling in its own fields.
     */
    public byte[] headerBytes() {
        return file.asSlice(SetupHeaderField.HEADER_START, header.headerEnd() - SetupHeaderField.HEADER_START).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Offset and length of the protected-mode kernel in the file. */
    public long protectedModeOffset() { return header.protectedModeOffset(); }

    public long protectedModeLength() { return file.byteSize() - header.protectedModeOffset(); }

    /** The whole file; callers copy [protectedModeOffset, end) to the load address. */
    public MemorySegment file() { return file; }

    /** The compressed payload (the vmlinux inside), as the header describes it. */
    public byte[] payload() {
        long from = header.protectedModeOffset() + header.payloadOffset();
        return file.asSlice(from, header.payloadLength()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** How the payload is compressed, from its magic bytes. */
    public PayloadCompression payloadCompression() {
        long from = header.protectedModeOffset() + header.payloadOffset();
        int probe = (int) Math.min(16, header.payloadLength());
        return PayloadCompression.detect(file.asSlice(from, probe).toArray(ValueLayout.JAVA_BYTE), 0, probe, from);
    }
}
