package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;

/** Structural checks shared by the header codecs. */
final class FieldChecks {
    private FieldChecks() {}

    static void reservedZero(MemorySegment payload, long offset, long length, String field, Site site)
            throws IgvmFormatException {
        for (long i = 0; i < length; i++) {
            if (LittleEndian.u8(payload, offset + i) != 0) {
                throw site.violation(IgvmRule.RESERVED_NOT_ZERO, "%s has 0x%02x at byte %d",
                        field, LittleEndian.u8(payload, offset + i), i);
            }
        }
    }

    static int vtl(int value, String field, Site site) throws IgvmFormatException {
        if (value > 2) {
            throw site.violation(IgvmRule.INVALID_VTL, "%s is %d", field, value);
        }
        return value;
    }

    static void onlyDefinedFlags(int flags, int defined, String field, Site site) throws IgvmFormatException {
        if ((flags & ~defined) != 0) {
            throw site.violation(IgvmRule.UNDEFINED_FLAGS, "%s 0x%x has undefined bits 0x%x",
                    field, Integer.toUnsignedLong(flags), Integer.toUnsignedLong(flags & ~defined));
        }
    }
}
