package dev.panavisor.firmware.igvm;

/**
 * Range checks for record components that mirror fixed-width unsigned fields, so a record can never
 * hold a value that would be silently truncated when written.
 */
final class FieldRanges {
    private FieldRanges() {}

    static int u8(String name, int value) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(name + " does not fit in 8 bits: " + value);
        }
        return value;
    }

    static int u16(String name, int value) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(name + " does not fit in 16 bits: " + value);
        }
        return value;
    }

    static long u32(String name, long value) {
        if ((value & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException(name + " does not fit in 32 bits: " + value);
        }
        return value;
    }

    static int vtl(String name, int value) {
        if (value < 0 || value > 2) {
            throw new IllegalArgumentException(name + " must be VTL 0, 1 or 2: " + value);
        }
        return value;
    }

    static <T> T present(String name, T value) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        return value;
    }

    static ByteBlock length(String name, ByteBlock value, int expected) {
        present(name, value);
        if (value.length() != expected) {
            throw new IllegalArgumentException(name + " must be " + expected + " bytes, not " + value.length());
        }
        return value;
    }
}
