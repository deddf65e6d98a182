package dev.panavisor.firmware.igvm;

import java.util.Optional;

/** What kind of page a page data header imports; the special kinds matter to SEV-SNP launch. */
public enum PageDataType {
    NORMAL(0x0),
    SECRETS(0x1),
    CPUID_DATA(0x2),
    CPUID_XF(0x3);

    private final int code;

    PageDataType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<PageDataType> fromCode(int code) {
        for (PageDataType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
