package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.LittleEndian.*;

import java.lang.foreign.MemorySegment;

/** Byte layouts of initialization-section structures, offsets as in the igvm_defs repr(C) structs. */
final class InitializationCodec {
    private InitializationCodec() {}

    static InitializationHeader decode(HeaderType type, MemorySegment p, Site site) throws IgvmFormatException {
        return switch (type) {
            case GUEST_POLICY -> {
                FieldChecks.reservedZero(p, 12, 4, "guest policy reserved", site);
                yield new GuestPolicy(u64(p, 0), bits32(p, 8));
            }
            case RELOCATABLE_REGION -> {
                int flags = u8(p, 7);
                FieldChecks.onlyDefinedFlags(flags, RelocatableRegion.DEFINED_FLAGS, "relocatable region flags", site);
                yield new RelocatableRegion(bits32(p, 0), u16(p, 4), FieldChecks.vtl(u8(p, 6), "vtl", site),
                        (flags & RelocatableRegion.FLAG_IS_VTL2) != 0, (flags & RelocatableRegion.FLAG_APPLY_PC) != 0,
                        (flags & RelocatableRegion.FLAG_APPLY_GDTR) != 0,
                        u64(p, 8), u64(p, 16), u64(p, 24), u64(p, 32), u64(p, 40));
            }
            case PAGE_TABLE_RELOCATION_REGION -> {
                FieldChecks.reservedZero(p, 7, 1, "page table relocation reserved", site);
                yield new PageTableRelocation(bits32(p, 0), u16(p, 4), FieldChecks.vtl(u8(p, 6), "vtl", site),
                        u64(p, 8), u64(p, 16), u64(p, 24));
            }
            case CORIM_DOCUMENT -> {
                FieldChecks.reservedZero(p, 12, 4, "CoRIM reserved", site);
                yield new CorimDocument(bits32(p, 0), u32(p, 4), u32(p, 8));
            }
            case CORIM_SIGNATURE -> {
                FieldChecks.reservedZero(p, 12, 4, "CoRIM reserved", site);
                yield new CorimSignature(bits32(p, 0), u32(p, 4), u32(p, 8));
            }
            case CCA_POLICY -> {
                FieldChecks.reservedZero(p, 4, 4, "CCA policy reserved", site);
                FieldChecks.reservedZero(p, 26, 6, "CCA policy reserved2", site);
                int hash = u8(p, 24);
                int lfa = u8(p, 25);
                yield new CcaPolicy(bits32(p, 0), u64(p, 8), u64(p, 16),
                        CcaHashAlgorithm.fromCode(hash).orElseThrow(
                                () -> site.violation(IgvmRule.INVALID_ENUM_VALUE, "CCA hash algorithm %d", hash)),
                        CcaLfaPolicy.fromCode(lfa).orElseThrow(
                                () -> site.violation(IgvmRule.INVALID_ENUM_VALUE, "CCA LFA policy %d", lfa)));
            }
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    static void encode(InitializationHeader header, MemorySegment p) {
        switch (header) {
            case GuestPolicy h -> {
                putU64(p, 0, h.policy());
                putU32(p, 8, Integer.toUnsignedLong(h.compatibilityMask()));
            }
            case RelocatableRegion h -> {
                putU32(p, 0, Integer.toUnsignedLong(h.compatibilityMask()));
                putU16(p, 4, h.vpIndex());
                putU8(p, 6, h.vtl());
                putU8(p, 7, h.flags());
                putU64(p, 8, h.relocationAlignment());
                putU64(p, 16, h.relocationRegionGpa());
                putU64(p, 24, h.relocationRegionSize());
                putU64(p, 32, h.minimumRelocationGpa());
                putU64(p, 40, h.maximumRelocationGpa());
            }
            case PageTableRelocation h -> {
                putU32(p, 0, Integer.toUnsignedLong(h.compatibilityMask()));
                putU16(p, 4, h.vpIndex());
                putU8(p, 6, h.vtl());
                putU64(p, 8, h.gpa());
                putU64(p, 16, h.size());
                putU64(p, 24, h.usedSize());
            }
            case CorimData h -> {
                putU32(p, 0, Integer.toUnsignedLong(h.compatibilityMask()));
                putU32(p, 4, h.fileOffset());
                putU32(p, 8, h.sizeBytes());
            }
            case CcaPolicy h -> {
                putU32(p, 0, Integer.toUnsignedLong(h.compatibilityMask()));
                putU64(p, 8, h.attributesRequiredZeroes());
                putU64(p, 16, h.attributesRequiredOnes());
                putU8(p, 24, h.hashAlgorithm().code());
                putU8(p, 25, h.lfaPolicy().code());
            }
        }
    }
}
