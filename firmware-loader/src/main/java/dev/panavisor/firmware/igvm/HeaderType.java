package dev.panavisor.firmware.igvm;

import java.util.Optional;

/**
 * Every variable header type the definitions assign a structure to, with the exact payload length
 * the length field must carry. Type 0 (invalid) and 0x306 (retired, formerly the shared-boundary
 * GPA) are deliberately absent so they are rejected like any unknown type.
 */
public enum HeaderType {
    SUPPORTED_PLATFORM(0x001, 16),

    GUEST_POLICY(0x101, 16),
    RELOCATABLE_REGION(0x102, 48),
    PAGE_TABLE_RELOCATION_REGION(0x103, 32),
    CORIM_DOCUMENT(0x104, 16),
    CORIM_SIGNATURE(0x105, 16),
    CCA_POLICY(0x106, 32),

    PARAMETER_AREA(0x301, 16),
    PAGE_DATA(0x302, 24),
    PARAMETER_INSERT(0x303, 16),
    /** The only structure whose length is not a multiple of 8; it is padded to 24 on disk. */
    VP_CONTEXT(0x304, 20),
    REQUIRED_MEMORY(0x305, 24),
    VP_COUNT_PARAMETER(0x307, 8),
    SRAT(0x308, 8),
    MADT(0x309, 8),
    MMIO_RANGES(0x30A, 8),
    SNP_ID_BLOCK(0x30B, 696),
    MEMORY_MAP(0x30C, 8),
    ERROR_RANGE(0x30D, 16),
    COMMAND_LINE(0x30E, 8),
    SLIT(0x30F, 8),
    PPTT(0x310, 8),
    VBS_MEASUREMENT(0x311, 864),
    DEVICE_TREE(0x312, 8),
    ENVIRONMENT_INFO_PARAMETER(0x313, 8);

    /** The retired type 0x306; named so error messages can say why it is refused. */
    static final int RETIRED_SHARED_BOUNDARY_GPA = 0x306;

    private final int code;
    private final int payloadLength;

    HeaderType(int code, int payloadLength) {
        this.code = code;
        this.payloadLength = payloadLength;
    }

    public int code() {
        return code;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public Section section() {
        return Section.of(code).orElseThrow();
    }

    public static Optional<HeaderType> fromCode(int code) {
        for (HeaderType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
