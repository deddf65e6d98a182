package dev.panavisor.firmware.igvm;

import java.util.Optional;

/**
 * The three groups of variable headers. A file may only move forward through them: once an
 * initialization header has been seen no platform header may follow, and likewise for directives.
 */
public enum Section {
    PLATFORM(0x001, 0x100),
    INITIALIZATION(0x101, 0x200),
    DIRECTIVE(0x301, 0x400);

    private final int firstType;
    private final int lastType;

    Section(int firstType, int lastType) {
        this.firstType = firstType;
        this.lastType = lastType;
    }

    /** The section a type code belongs to, ignoring the optional bit; empty for the gaps between ranges. */
    public static Optional<Section> of(int typeCode) {
        int type = typeCode & ~IgvmFormat.OPTIONAL_TYPE_BIT;
        for (Section s : values()) {
            if (type >= s.firstType && type <= s.lastType) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
