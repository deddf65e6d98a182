package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks the type/length/value records of the variable header area, enforcing the framing rules
 * (prefix present, payload and padding inside the area, padding zero, exact structure lengths) and
 * the one-way platform, initialization, directive ordering. Semantic rules come later, in
 * {@link IgvmValidator}, once every header is known.
 */
final class VariableHeaderParser {
    private VariableHeaderParser() {}

    record Parsed(List<IgvmHeader> headers, List<Long> offsets) {}

    static Parsed parse(MemorySegment image, IgvmFixedHeader fixed) throws IgvmFormatException {
        List<IgvmHeader> headers = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        long end = fixed.fileDataOffset();
        Section current = Section.PLATFORM;
        // The area's start and size are multiples of 8 (checked with the fixed header) and every step
        // below is too, so a whole type/length prefix is always present when pos < end.
        for (long pos = fixed.variableHeaderOffset(); pos < end; ) {
            Site site = new Site(headers.size(), pos);
            int type = LittleEndian.bits32(image, pos);
            long length = LittleEndian.u32(image, pos + 4);
            long payloadAt = pos + IgvmFormat.VARIABLE_HEADER_PREFIX_SIZE;
            long padded = IgvmFormat.alignUp8(length);
            if (padded > end - payloadAt) {
                throw site.violation(IgvmRule.LENGTH_OVERRUN, "type 0x%x claims %d bytes, %d remain",
                        Integer.toUnsignedLong(type), length, end - payloadAt);
            }
            checkPaddingZero(image, payloadAt + length, padded - length, site);
            MemorySegment payload = image.asSlice(payloadAt, length);
            Optional<Section> section = Section.of(type);
            if (section.isPresent()) {
                if (section.get().compareTo(current) < 0) {
                    throw site.violation(IgvmRule.SECTION_ORDER, "type 0x%x belongs to the %s section, after the %s section began",
                            Integer.toUnsignedLong(type), section.get(), current);
                }
                current = section.get();
            }
            headers.add(decodeOne(type, length, payload, site));
            offsets.add(pos);
            pos = payloadAt + padded;
        }
        return new Parsed(headers, offsets);
    }

    private static IgvmHeader decodeOne(int type, long length, MemorySegment payload, Site site)
            throws IgvmFormatException {
        if ((type & IgvmFormat.OPTIONAL_TYPE_BIT) != 0) {
            return new IgnorableHeader(type, ByteBlock.copyOf(payload));
        }
        HeaderType known = HeaderType.fromCode(type).orElseThrow(() -> site.violation(IgvmRule.UNKNOWN_TYPE,
                type == HeaderType.RETIRED_SHARED_BOUNDARY_GPA
                        ? "type 0x306 is retired and must not be used"
                        : "type 0x%x without the optional bit".formatted(Integer.toUnsignedLong(type))));
        if (length != known.payloadLength()) {
            throw site.violation(IgvmRule.LENGTH_MISMATCH, "%s has length %d, the structure is %d bytes",
                    known, length, known.payloadLength());
        }
        return HeaderCodec.decode(known, payload, site);
    }

    private static void checkPaddingZero(MemorySegment image, long at, long count, Site site) throws IgvmFormatException {
        for (long i = 0; i < count; i++) {
            if (LittleEndian.u8(image, at + i) != 0) {
                throw site.violation(IgvmRule.NONZERO_PADDING, "padding byte at 0x%x is 0x%02x",
                        at + i, LittleEndian.u8(image, at + i));
            }
        }
    }
}
