package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.LittleEndian.*;

import java.lang.foreign.MemorySegment;

/** Byte layouts of directive-section structures, offsets as in the igvm_defs repr(C) structs. */
final class DirectiveCodec {
    private DirectiveCodec() {}

    static DirectiveHeader decode(HeaderType type, MemorySegment p, Site site) throws IgvmFormatException {
        return switch (type) {
            case PARAMETER_AREA -> new ParameterArea(u64(p, 0), u32(p, 8), u32(p, 12));
            case PAGE_DATA -> {
                int flags = bits32(p, 16);
                FieldChecks.onlyDefinedFlags(flags, PageDataFlags.DEFINED, "page data flags", site);
                int dataType = u16(p, 20);
                FieldChecks.reservedZero(p, 22, 2, "page data reserved", site);
                yield new PageData(u64(p, 0), bits32(p, 8), u32(p, 12), PageDataFlags.fromBits(flags),
                        PageDataType.fromCode(dataType).orElseThrow(
                                () -> site.violation(IgvmRule.INVALID_ENUM_VALUE, "page data type 0x%x", dataType)));
            }
            case PARAMETER_INSERT -> new ParameterInsert(u64(p, 0), bits32(p, 8), u32(p, 12));
            case VP_CONTEXT -> {
                FieldChecks.reservedZero(p, 18, 2, "VP context reserved", site);
                yield new VpContext(u64(p, 0), bits32(p, 8), u32(p, 12), u16(p, 16));
            }
            case REQUIRED_MEMORY -> {
                int flags = bits32(p, 16);
                FieldChecks.onlyDefinedFlags(flags, RequiredMemory.FLAG_VTL2_PROTECTABLE, "required memory flags", site);
                FieldChecks.reservedZero(p, 20, 4, "required memory reserved", site);
                yield new RequiredMemory(u64(p, 0), bits32(p, 8), u32(p, 12),
                        (flags & RequiredMemory.FLAG_VTL2_PROTECTABLE) != 0);
            }
            case ERROR_RANGE -> new ErrorRange(u64(p, 0), bits32(p, 8), u32(p, 12));
            case SNP_ID_BLOCK -> MeasurementBlockCodec.decodeSnpIdBlock(p);
            case VBS_MEASUREMENT -> MeasurementBlockCodec.decodeVbsMeasurement(p);
            default -> {
                ParameterKind kind = ParameterKind.of(type).orElseThrow(() -> new IllegalArgumentException(type.toString()));
                yield new ParameterUsage(kind, u32(p, 0), u32(p, 4));
            }
        };
    }

    static void encode(DirectiveHeader header, MemorySegment p) {
        switch (header) {
            case ParameterArea h -> {
                putU64(p, 0, h.numberOfBytes());
                putU32(p, 8, h.parameterAreaIndex());
                putU32(p, 12, h.fileOffset());
            }
            case PageData h -> {
                putU64(p, 0, h.gpa());
                putU32(p, 8, Integer.toUnsignedLong(h.compatibilityMask()));
                putU32(p, 12, h.fileOffset());
                putU32(p, 16, h.flags().bits());
                putU16(p, 20, h.dataType().code());
            }
            case ParameterInsert h -> {
                putU64(p, 0, h.gpa());
                putU32(p, 8, Integer.toUnsignedLong(h.compatibilityMask()));
                putU32(p, 12, h.parameterAreaIndex());
            }
            case VpContext h -> {
                putU64(p, 0, h.gpa());
                putU32(p, 8, Integer.toUnsignedLong(h.compatibilityMask()));
                putU32(p, 12, h.fileOffset());
                putU16(p, 16, h.vpIndex());
            }
            case RequiredMemory h -> {
                putU64(p, 0, h.gpa());
                putU32(p, 8, Integer.toUnsignedLong(h.compatibilityMask()));
                putU32(p, 12, h.numberOfBytes());
                putU32(p, 16, h.vtl2Protectable() ? RequiredMemory.FLAG_VTL2_PROTECTABLE : 0);
            }
            case ParameterUsage h -> {
                putU32(p, 0, h.parameterAreaIndex());
                putU32(p, 4, h.byteOffset());
            }
            case ErrorRange h -> {
                putU64(p, 0, h.gpa());
                putU32(p, 8, Integer.toUnsignedLong(h.compatibilityMask()));
                putU32(p, 12, h.sizeBytes());
            }
            case SnpIdBlock h -> MeasurementBlockCodec.encode(h, p);
            case VbsMeasurement h -> MeasurementBlockCodec.encode(h, p);
        }
    }
}
