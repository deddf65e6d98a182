package dev.panavisor.firmware.igvm;

import java.util.Optional;

/** Whether Live Firmware Activation may update the Realm's TCB while it runs. */
public enum CcaLfaPolicy {
    LFA_DISALLOW(0x0),
    LFA_ALLOW(0x1);

    private final int code;

    CcaLfaPolicy(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<CcaLfaPolicy> fromCode(int code) {
        for (CcaLfaPolicy p : values()) {
            if (p.code == code) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
