package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.LittleEndian.*;

import java.lang.foreign.MemorySegment;

/** Byte layout of platform-section structures (IGVM_VHS_SUPPORTED_PLATFORM). */
final class PlatformCodec {
    private PlatformCodec() {}

    static PlatformHeader decode(HeaderType type, MemorySegment p, Site site) throws IgvmFormatException {
        if (type != HeaderType.SUPPORTED_PLATFORM) {
            throw new IllegalArgumentException(type.toString());
        }
        int typeCode = u8(p, 5);
        PlatformType platform = PlatformType.fromCode(typeCode)
                .orElseThrow(() -> site.violation(IgvmRule.INVALID_ENUM_VALUE, "platform type 0x%x", typeCode));
        return new SupportedPlatform(bits32(p, 0), u8(p, 4), platform, u16(p, 6), u64(p, 8));
    }

    static void encode(PlatformHeader header, MemorySegment p) {
        switch (header) {
            case SupportedPlatform h -> {
                putU32(p, 0, Integer.toUnsignedLong(h.compatibilityMask()));
                putU8(p, 4, h.highestVtl());
                putU8(p, 5, h.platformType().code());
                putU16(p, 6, h.platformVersion());
                putU64(p, 8, h.sharedGpaBoundary());
            }
        }
    }
}
