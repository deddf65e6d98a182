package dev.panavisor.firmware.igvm;

import java.util.Optional;

/** Hash used to measure a Realm's initial state (RMM RmmHashAlgorithm). */
public enum CcaHashAlgorithm {
    SHA256(0x0),
    SHA512(0x1),
    SHA384(0x2);

    private final int code;

    CcaHashAlgorithm(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<CcaHashAlgorithm> fromCode(int code) {
        for (CcaHashAlgorithm a : values()) {
            if (a.code == code) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
