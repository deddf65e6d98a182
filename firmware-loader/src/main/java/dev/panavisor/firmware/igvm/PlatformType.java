package dev.panavisor.firmware.igvm;

import java.util.Optional;

/** Isolation technologies a file can declare support for, with the platform version each defines. */
public enum PlatformType {
    NATIVE(0x00, IgvmArchitectureSet.X64_ONLY),
    /** Hyper-V virtualization-based security (VSM). */
    VSM_ISOLATION(0x01, IgvmArchitectureSet.ANY),
    SEV_SNP(0x02, IgvmArchitectureSet.X64_ONLY),
    TDX(0x03, IgvmArchitectureSet.X64_ONLY),
    SEV(0x04, IgvmArchitectureSet.X64_ONLY),
    SEV_ES(0x05, IgvmArchitectureSet.X64_ONLY),
    /** Arm Confidential Compute Architecture. */
    CCA(0x06, IgvmArchitectureSet.AARCH64_ONLY);

    /** Every platform type currently defines version 1 and nothing else. */
    public static final int DEFINED_VERSION = 1;

    private final int code;
    private final IgvmArchitectureSet architectures;

    PlatformType(int code, IgvmArchitectureSet architectures) {
        this.code = code;
        this.architectures = architectures;
    }

    public int code() {
        return code;
    }

    public boolean runsOn(IgvmArchitecture architecture) {
        return architectures.contains(architecture);
    }

    public static Optional<PlatformType> fromCode(int code) {
        for (PlatformType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private enum IgvmArchitectureSet {
        X64_ONLY, AARCH64_ONLY, ANY;

        boolean contains(IgvmArchitecture a) {
            return switch (this) {
                case X64_ONLY -> a == IgvmArchitecture.X64;
                case AARCH64_ONLY -> a == IgvmArchitecture.AARCH64;
                case ANY -> true;
            };
        }
    }
}
