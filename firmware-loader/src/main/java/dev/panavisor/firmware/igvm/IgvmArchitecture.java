package dev.panavisor.firmware.igvm;

import java.util.Optional;

/** The instruction set a file targets. Version 1 files are implicitly {@link #X64}. */
public enum IgvmArchitecture {
    X64(0),
    AARCH64(1);

    private final int code;

    IgvmArchitecture(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static Optional<IgvmArchitecture> fromCode(int code) {
        for (IgvmArchitecture a : values()) {
            if (a.code == code) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
