package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;

/**
 * Turns one variable header (prefix, payload, padding) into a record and back. The decoder sees a
 * payload already known to have the exact length of its structure.
 */
final class HeaderCodec {
    private HeaderCodec() {}

    static KnownHeader decode(HeaderType type, MemorySegment payload, Site site) throws IgvmFormatException {
        return switch (type.section()) {
            case PLATFORM -> PlatformCodec.decode(type, payload, site);
            case INITIALIZATION -> InitializationCodec.decode(type, payload, site);
            case DIRECTIVE -> DirectiveCodec.decode(type, payload, site);
        };
    }

    static long payloadLength(IgvmHeader header) {
        return switch (header) {
            case KnownHeader h -> h.headerType().payloadLength();
            case IgnorableHeader h -> h.payload().length();
        };
    }

    /** Bytes the header takes in the variable header area, prefix and padding included. */
    static long encodedSize(IgvmHeader header) {
        return IgvmFormat.VARIABLE_HEADER_PREFIX_SIZE + IgvmFormat.alignUp8(payloadLength(header));
    }

    /** Writes the whole header at {@code offset}, padding zeroed; returns the bytes written. */
    static long encode(IgvmHeader header, MemorySegment target, long offset) {
        long length = payloadLength(header);
        long size = encodedSize(header);
        target.asSlice(offset, size).fill((byte) 0);
        LittleEndian.putU32(target, offset, Integer.toUnsignedLong(header.typeCode()));
        LittleEndian.putU32(target, offset + 4, length);
        MemorySegment payload = target.asSlice(offset + IgvmFormat.VARIABLE_HEADER_PREFIX_SIZE, length);
        switch (header) {
            case PlatformHeader h -> PlatformCodec.encode(h, payload);
            case InitializationHeader h -> InitializationCodec.encode(h, payload);
            case DirectiveHeader h -> DirectiveCodec.encode(h, payload);
            case IgnorableHeader h -> MemorySegment.copy(h.payload().asSegment(), 0, payload, 0, length);
        }
        return size;
    }
}
