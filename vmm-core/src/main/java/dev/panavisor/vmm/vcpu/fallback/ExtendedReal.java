package dev.panavisor.vmm.vcpu.fallback;

/**
 * A double extended-precision value as an x87 register holds it (SDM vol. 1, 4.2.2 and 4.8.2):
 * bit 15 of {@code signExponent} is the sign, bits 14:0 the biased exponent (bias 16383), and
 * {@code significand} the 64-bit significand with the explicit integer bit 63.
 */
record ExtendedReal(int signExponent, long significand) {
    static final int BIAS = 16383, MAX_EXPONENT = 0x7FFF;
    static final long INTEGER_BIT = Long.MIN_VALUE, QUIET_BIT = 1L << 62;
    static final ExtendedReal POSITIVE_ZERO = new ExtendedReal(0, 0);
    static final ExtendedReal NEGATIVE_ZERO = new ExtendedReal(0x8000, 0);
    static final ExtendedReal ONE = new ExtendedReal(BIAS, INTEGER_BIT);
    static final ExtendedReal POSITIVE_INFINITY = new ExtendedReal(MAX_EXPONENT, INTEGER_BIT);
    static final ExtendedReal NEGATIVE_INFINITY = new ExtendedReal(0x8000 | MAX_EXPONENT, INTEGER_BIT);
    /** The QNaN floating-point indefinite (SDM vol. 1, 4.8.3.7, table 4-3). */
    static final ExtendedReal INDEFINITE = new ExtendedReal(0xFFFF, 0xC000_0000_0000_0000L);

    ExtendedReal {
        signExponent &= 0xFFFF;
    }

    boolean negative() { return (signExponent & 0x8000) != 0; }
    /** The biased exponent, bits 14:0. */
    int exponent() { return signExponent & MAX_EXPONENT; }
    boolean integerBit() { return significand < 0; }
    boolean isZero() { return exponent() == 0 && significand == 0; }
    boolean isInfinity() { return exponent() == MAX_EXPONENT && significand == INTEGER_BIT; }
    /** A NaN with the integer bit set (pseudo-NaNs are unsupported, not NaNs). */
    boolean isNaN() { return exponent() == MAX_EXPONENT && integerBit() && (significand & Long.MAX_VALUE) != 0; }
    boolean isSignalingNaN() { return isNaN() && (significand & QUIET_BIT) == 0; }
    boolean isQuietNaN() { return isNaN() && (significand & QUIET_BIT) != 0; }
    /** Exponent 0, significand not 0 and integer bit 0. */
    boolean isDenormal() { return exponent() == 0 && significand != 0 && !integerBit(); }
    /** Exponent 0 and integer bit 1: valid as an operand, raising DE (SDM vol. 1, 8.2.2). */
    boolean isPseudoDenormal() { return exponent() == 0 && integerBit(); }
    /** Pseudo-NaN, pseudo-infinity or unnormal: an invalid operand (SDM vol. 1, 8.2.2, table 8-3). */
    boolean isUnsupported() { return exponent() != 0 && !integerBit(); }
    /** A finite non-zero value whose integer bit is set (a normal number). */
    boolean isNormal() { return exponent() != 0 && exponent() != MAX_EXPONENT && integerBit(); }

    ExtendedReal negate() { return new ExtendedReal(signExponent ^ 0x8000, significand); }
    ExtendedReal abs() { return new ExtendedReal(signExponent & 0x7FFF, significand); }
    /** This NaN made quiet (SDM vol. 1, 4.8.3.4). */
    ExtendedReal quiet() { return new ExtendedReal(signExponent, significand | QUIET_BIT); }

    /** FILD: every 64-bit integer is exact in double extended precision. */
    static ExtendedReal fromInteger(long value) {
        if (value == 0) return POSITIVE_ZERO;
        long magnitude = value < 0 ? -value : value; // Long.MIN_VALUE stays 2^63 read unsigned
        int shift = Long.numberOfLeadingZeros(magnitude);
        return new ExtendedReal((value < 0 ? 0x8000 : 0) | (BIAS + 63 - shift), magnitude << shift);
    }

    @Override
    public String toString() {
        return String.format("%04x_%016x", signExponent, significand);
    }
}
