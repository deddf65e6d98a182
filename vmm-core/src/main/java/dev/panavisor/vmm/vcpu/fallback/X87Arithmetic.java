package dev.panavisor.vmm.vcpu.fallback;

import java.math.BigInteger;

/**
 * A soft-float core for x87 arithmetic in double extended precision (SDM vol. 1, ch. 4 and 8;
 * vol. 2 per instruction) under the control word's rounding control (RC, bits 11:10) and
 * precision control (PC, bits 9:8; SDM vol. 1, 8.1.5.2), checked bit for bit against vectors
 * recorded on hardware (src/test/c/x87_vectors.c, X87VectorReplayTest).
 *
 * <p>Every operation is computed exactly (quotients and square roots with a sticky bit) as a
 * {@link BigInteger} times a power of two and rounded once. The fallback path is not hot.
 *
 * <p>Conventions for callers (the executors):
 * <ul>
 * <li>Flags: IE, DE, ZE, OE, UE, PE in bits 5:0 and C1 (bit 9), set when an inexact result was
 *     rounded up <em>in magnitude</em> (so also for a negative result rounded toward -infinity)
 *     and for a masked overflow to infinity; clear otherwise. OR the exception bits into FSW
 *     (they are sticky) and replace C1 (C0, C2, C3 are left to the caller; FPREM gives its own).
 * <li>Underflow: tininess is detected after rounding (the result rounded to the precision
 *     with an unbounded exponent is below 2^-16382, or the destination's minimum). Masked, UE
 *     is raised only when the result is also inexact; the result is denormalised and rounded
 *     at the fixed position of the minimum exponent (with PC < 64 too). UM clear: UE for every
 *     tiny result.
 * <li>Masks: when {@code flags & ~fcw & 7} is not 0 an unmasked IE, ZE or DE stopped the
 *     instruction: flags then hold only that bit (as hardware reports it), the value must not
 *     be written, and the executor sets ES/B and raises #MF at the next waiting instruction.
 *     With OM or UM clear the register results are what hardware stores (the
 *     rounded value with its exponent reduced or raised by 24576), stores report only OE/UE
 *     and write nothing. PE is post-completion: the value is valid either way.
 * <li>PC 01 (reserved) behaves as extended precision, as the recorded hardware does. PC
 *     applies to add, subtract, multiply, divide and square root only.
 * <li>Memory operands: use {@link #withBinary32}/{@link #withBinary64} for FADD..FDIVR
 *     m32fp/m64fp (an SNaN there must stay signalling for the NaN rules; a denormal raises
 *     DE), {@link ExtendedReal#fromInteger} plus the register forms for FIADD..FIDIVR.
 * </ul>
 */
final class X87Arithmetic {
    private X87Arithmetic() {}

    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32, C1 = 1 << 9;
    static final int RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;
    /** Unbiased exponent range of double extended precision (normal numbers). */
    static final int EXTENDED_EMIN = 1 - ExtendedReal.BIAS, EXTENDED_EMAX = ExtendedReal.BIAS;

    static int roundingControl(int fcw) { return (fcw >>> 10) & 3; }

    /** Significand bits under PC (SDM vol. 1, 8.1.5.2, table 8-2): 00 single 24, 10 double 53, 11 extended 64. */
    static int precision(int fcw) {
        return switch ((fcw >>> 8) & 3) {
            case 0 -> 24;
            case 2 -> 53;
            default -> 64; // 01 is reserved; this core treats it as extended
        };
    }

    // ---- exact values --------------------------------------------------------------------

    /** The significand as an unsigned integer. */
    private static BigInteger magnitude(long significand) {
        BigInteger m = BigInteger.valueOf(significand & Long.MAX_VALUE);
        return significand < 0 ? m.setBit(63) : m;
    }

    /** The power of two of the significand's bit 0 for a finite value: value = significand * 2^scale. */
    private static int scaleOf(ExtendedReal x) {
        int e = x.exponent() == 0 ? 1 : x.exponent(); // denormals and pseudo-denormals use the minimum exponent
        return e - ExtendedReal.BIAS - 63;
    }

    private static boolean denormalOperand(ExtendedReal x) { return x.isDenormal() || x.isPseudoDenormal(); }

    private static int denormalFlags(ExtendedReal a, ExtendedReal b) {
        return denormalOperand(a) || denormalOperand(b) ? DE : 0;
    }

    // ---- rounding -------------------------------------------------------------------------

    /** A rounded finite value, kept * 2^quantum (kept has at most the format's precision), and the flags raised. */
    private record Rounded(boolean negative, BigInteger kept, int quantum, int flags, boolean overflow) {}

    /** The exponent adjustment of unmasked overflow and underflow results in double extended precision (SDM vol. 1, 4.9.1.4/5). */
    private static final int WRAP = 24576;

    private record Cut(BigInteger kept, boolean inexact, boolean up) {}

    /** Rounds m * 2^scale (plus a sticky non-zero tail when {@code sticky}) to a multiple of 2^quantum. */
    private static Cut cut(BigInteger m, int scale, boolean sticky, int quantum, boolean negative, int rc) {
        int shift = quantum - scale;
        BigInteger kept;
        boolean half, rest;
        if (shift <= 0) {
            kept = m.shiftLeft(-shift);
            half = false;
            rest = sticky;
        } else {
            kept = m.shiftRight(shift);
            half = m.testBit(shift - 1);
            int low = m.getLowestSetBit();
            rest = sticky || (low >= 0 && low < shift - 1);
        }
        boolean inexact = half || rest;
        boolean up = switch (rc) {
            case RC_NEAREST -> half && (rest || kept.testBit(0));
            case RC_DOWN -> inexact && negative;
            case RC_UP -> inexact && !negative;
            default -> false;
        };
        return new Cut(up ? kept.add(BigInteger.ONE) : kept, inexact, up);
    }

    /**
     * Rounds the non-zero m * 2^scale (sticky: plus a tail below m's bit 0) to {@code p} bits in
     * a format whose normal numbers have unbiased exponents emin..emax, denormalising below emin
     * (SDM vol. 1, 4.8.3.3 and 4.9.1.5).
     */
    private static Rounded round(boolean negative, BigInteger m, int scale, boolean sticky, int p, int emin, int emax, int fcw) {
        int rc = roundingControl(fcw);
        int lead = scale + m.bitLength() - 1;
        // First to p bits with an unbounded exponent range: that decides overflow and tininess
        // (tininess after rounding, SDM vol. 1, 4.9.1.5) and is the unmasked OE/UE result.
        int unboundedQuantum = lead - (p - 1);
        Cut unbounded = cut(m, scale, sticky, unboundedQuantum, negative, rc);
        BigInteger unboundedKept = unbounded.kept;
        if (unboundedKept.bitLength() > p) {
            unboundedKept = unboundedKept.shiftRight(1);
            unboundedQuantum++;
        }
        int unboundedLead = unboundedQuantum + p - 1;
        boolean tiny = unboundedLead < emin;
        int unboundedFlags = unbounded.inexact ? PE | (unbounded.up ? C1 : 0) : 0;
        if (unboundedLead > emax) {
            if ((fcw & OE) == 0) {
                // Unmasked overflow (SDM vol. 1, 4.9.1.4): the rounded result with its exponent reduced by 24576.
                return new Rounded(negative, unboundedKept, unboundedQuantum - WRAP, OE | unboundedFlags, true);
            }
            // Masked overflow (SDM vol. 1, 4.9.1.4, table 4-10): infinity or the largest finite number by RC.
            boolean toInfinity = switch (rc) {
                case RC_NEAREST -> true;
                case RC_DOWN -> negative;
                case RC_UP -> !negative;
                default -> false;
            };
            int flags = OE | PE | (toInfinity ? C1 : 0);
            if (toInfinity) return new Rounded(negative, null, 0, flags, true);
            return new Rounded(negative, BigInteger.ONE.shiftLeft(p).subtract(BigInteger.ONE), emax - (p - 1), flags, true);
        }
        if (tiny && (fcw & UE) == 0) {
            // Unmasked underflow (SDM vol. 1, 4.9.1.5): every tiny result, exact or not, with its exponent raised by 24576.
            return new Rounded(negative, unboundedKept, unboundedQuantum + WRAP, UE | unboundedFlags, false);
        }
        if (!tiny) return new Rounded(negative, unboundedKept, unboundedQuantum, unboundedFlags, false);
        // Masked underflow: denormalised, rounded at the fixed position of the minimum exponent; UE only if inexact.
        int quantum = emin - (p - 1);
        Cut c = cut(m, scale, sticky, quantum, negative, rc);
        // Rounding up may reach 2^emin, the smallest normal number (kept = 2^(p-1)); it cannot go further.
        int flags = c.inexact ? UE | PE | (c.up ? C1 : 0) : 0;
        return new Rounded(negative, c.kept, quantum, flags, false);
    }

    /** Packs a rounded value (kept null: infinity) as double extended. */
    private static ExtendedReal packExtended(Rounded r) {
        int sign = r.negative ? 0x8000 : 0;
        if (r.kept == null) return new ExtendedReal(sign | ExtendedReal.MAX_EXPONENT, ExtendedReal.INTEGER_BIT);
        if (r.kept.signum() == 0) return new ExtendedReal(sign, 0);
        int length = r.kept.bitLength();
        int lead = r.quantum + length - 1;
        if (lead >= EXTENDED_EMIN) {
            long significand = r.kept.shiftLeft(64 - length).longValue();
            return new ExtendedReal(sign | (lead + ExtendedReal.BIAS), significand);
        }
        long significand = r.kept.shiftLeft(r.quantum - (EXTENDED_EMIN - 63)).longValue();
        return new ExtendedReal(sign, significand);
    }

    private static X87Result roundExtended(boolean negative, BigInteger m, int scale, boolean sticky, int p, int fcw, int flags) {
        Rounded r = round(negative, m, scale, sticky, p, EXTENDED_EMIN, EXTENDED_EMAX, fcw);
        return new X87Result(packExtended(r), flags | r.flags);
    }

    /**
     * An unmasked invalid-operation, divide-by-zero or denormal-operand exception stops the
     * instruction before it computes anything (SDM vol. 1, 4.9.2 and 8.5): only that bit is
     * reported (hardware vectors), and the value, still the masked response, must not be written.
     */
    private static X87Result stopped(X87Result r, int fcw) {
        int early = r.flags() & ~fcw & (IE | ZE | DE);
        return early == 0 ? r : new X87Result(r.value(), early);
    }

    // ---- NaNs and invalid operands -------------------------------------------------------

    private static X87Result invalid() { return new X87Result(ExtendedReal.INDEFINITE, IE); }

    /**
     * The result when an operand is unsupported or a NaN (SDM vol. 1, 4.8.3.5 and table 4-7):
     * unsupported formats give the indefinite; NaNs propagate, quieted, IE for an SNaN; of an
     * SNaN and a QNaN the QNaN wins, of two SNaNs or two QNaNs the larger significand. Null when neither operand is a NaN or unsupported.
     */
    private static X87Result nanOperands(ExtendedReal a, ExtendedReal b) {
        if (a.isUnsupported() || (b != null && b.isUnsupported())) return invalid();
        boolean an = a.isNaN(), bn = b != null && b.isNaN();
        if (!an && !bn) return null;
        int flags = a.isSignalingNaN() || (b != null && b.isSignalingNaN()) ? IE : 0;
        ExtendedReal pick;
        if (an && bn && a.isQuietNaN() != b.isQuietNaN()) {
            pick = a.isQuietNaN() ? a : b; // an SNaN and a QNaN: the QNaN
        } else if (an && bn) {
            int order = Long.compareUnsigned(a.significand() | ExtendedReal.QUIET_BIT, b.significand() | ExtendedReal.QUIET_BIT);
            if (order == 0) pick = a.negative() ? b : a; // equal payloads: the positive one (hardware)
            else pick = order > 0 ? a : b;
        } else {
            pick = an ? a : b;
        }
        return new X87Result(pick.quiet(), flags);
    }

    private static ExtendedReal infinity(boolean negative) {
        return negative ? ExtendedReal.NEGATIVE_INFINITY : ExtendedReal.POSITIVE_INFINITY;
    }

    private static ExtendedReal zero(boolean negative) {
        return negative ? ExtendedReal.NEGATIVE_ZERO : ExtendedReal.POSITIVE_ZERO;
    }

    // ---- arithmetic ------------------------------------------------------------------------

    /** FADD (SDM vol. 2, FADD/FADDP/FIADD): a + b. */
    static X87Result add(ExtendedReal a, ExtendedReal b, int fcw) {
        return stopped(add(a, b, fcw, 0), fcw);
    }

    /** {@code denormal}: DE when the operand came from a denormal binary32/binary64 in memory. */
    private static X87Result add(ExtendedReal a, ExtendedReal b, int fcw, int denormal) {
        X87Result nan = nanOperands(a, b);
        if (nan != null) return nan;
        int flags = denormalFlags(a, b) | denormal;
        if (a.isInfinity() || b.isInfinity()) {
            if (a.isInfinity() && b.isInfinity() && a.negative() != b.negative()) return invalid();
            return new X87Result(a.isInfinity() ? a : b, flags);
        }
        // An exact zero sum is +0 except under round-down; two zeros of one sign keep it (IEEE 754-2008, 6.3; hardware vectors).
        boolean zeroNegative = a.negative() == b.negative() ? a.negative() : roundingControl(fcw) == RC_DOWN;
        if (a.isZero() && b.isZero()) return new X87Result(zero(zeroNegative), flags);
        int sa = scaleOf(a), sb = scaleOf(b);
        int scale = a.isZero() ? sb : b.isZero() ? sa : Math.min(sa, sb);
        BigInteger ma = a.isZero() ? BigInteger.ZERO : magnitude(a.significand()).shiftLeft(sa - scale);
        BigInteger mb = b.isZero() ? BigInteger.ZERO : magnitude(b.significand()).shiftLeft(sb - scale);
        BigInteger sum = (a.negative() ? ma.negate() : ma).add(b.negative() ? mb.negate() : mb);
        if (sum.signum() == 0) return new X87Result(zero(zeroNegative), flags);
        return roundExtended(sum.signum() < 0, sum.abs(), scale, false, precision(fcw), fcw, flags);
    }

    /** FSUB (SDM vol. 2, FSUB/FSUBP/FISUB): a - b. */
    static X87Result subtract(ExtendedReal a, ExtendedReal b, int fcw) {
        return stopped(subtract(a, b, fcw, 0), fcw);
    }

    private static X87Result subtract(ExtendedReal a, ExtendedReal b, int fcw, int denormal) {
        X87Result nan = nanOperands(a, b);
        if (nan != null) return nan;
        return add(a, b.negate(), fcw, denormal);
    }

    /** FMUL (SDM vol. 2, FMUL/FMULP/FIMUL): a * b; 0 * infinity is invalid. */
    static X87Result multiply(ExtendedReal a, ExtendedReal b, int fcw) {
        return stopped(multiply(a, b, fcw, 0), fcw);
    }

    private static X87Result multiply(ExtendedReal a, ExtendedReal b, int fcw, int denormal) {
        X87Result nan = nanOperands(a, b);
        if (nan != null) return nan;
        int flags = denormalFlags(a, b) | denormal;
        boolean negative = a.negative() != b.negative();
        if (a.isInfinity() || b.isInfinity()) {
            if (a.isZero() || b.isZero()) return invalid();
            return new X87Result(infinity(negative), flags);
        }
        if (a.isZero() || b.isZero()) return new X87Result(zero(negative), flags);
        BigInteger product = magnitude(a.significand()).multiply(magnitude(b.significand()));
        return roundExtended(negative, product, scaleOf(a) + scaleOf(b), false, precision(fcw), fcw, flags);
    }

    /** FDIV (SDM vol. 2, FDIV/FDIVP/FIDIV): a / b; 0/0 and infinity/infinity invalid, finite/0 ZE. */
    static X87Result divide(ExtendedReal a, ExtendedReal b, int fcw) {
        return stopped(divide(a, b, fcw, 0), fcw);
    }

    private static X87Result divide(ExtendedReal a, ExtendedReal b, int fcw, int denormal) {
        X87Result nan = nanOperands(a, b);
        if (nan != null) return nan;
        int flags = denormalFlags(a, b) | denormal;
        boolean negative = a.negative() != b.negative();
        if (a.isInfinity()) {
            if (b.isInfinity()) return invalid();
            return new X87Result(infinity(negative), flags);
        }
        if (b.isInfinity()) return new X87Result(zero(negative), flags);
        if (b.isZero()) {
            if (a.isZero()) return invalid();
            // ZE takes precedence over DE (SDM vol. 1, 4.9.2): a denormal dividend raises ZE alone.
            return new X87Result(infinity(negative), ZE);
        }
        if (a.isZero()) return new X87Result(zero(negative), flags);
        BigInteger ma = magnitude(a.significand()), mb = magnitude(b.significand());
        int k = Math.max(0, 67 + mb.bitLength() - ma.bitLength());
        BigInteger[] qr = ma.shiftLeft(k).divideAndRemainder(mb);
        return roundExtended(negative, qr[0], scaleOf(a) - k - scaleOf(b), qr[1].signum() != 0, precision(fcw), fcw, flags);
    }

    /** FSQRT (SDM vol. 2, FSQRT): -0 stays -0; a negative non-zero operand is invalid. */
    static X87Result squareRoot(ExtendedReal a, int fcw) {
        return stopped(squareRootMasked(a, fcw), fcw);
    }

    private static X87Result squareRootMasked(ExtendedReal a, int fcw) {
        X87Result nan = nanOperands(a, null);
        if (nan != null) return nan;
        if (a.isZero()) return new X87Result(a, 0);
        if (a.negative()) return invalid();
        int flags = denormalFlags(a, a);
        if (a.isInfinity()) return new X87Result(a, flags);
        BigInteger m = magnitude(a.significand());
        int scale = scaleOf(a);
        int k = Math.max(0, 140 - m.bitLength());
        if (((scale - k) & 1) != 0) k++;
        BigInteger shifted = m.shiftLeft(k);
        BigInteger root = shifted.sqrt();
        boolean sticky = !root.multiply(root).equals(shifted);
        return roundExtended(false, root, (scale - k) / 2, sticky, precision(fcw), fcw, flags);
    }

    /** FRNDINT (SDM vol. 2, FRNDINT): to an integral value by RC; PC does not apply. */
    static X87Result roundToIntegral(ExtendedReal a, int fcw) {
        return stopped(roundToIntegralMasked(a, fcw), fcw);
    }

    private static X87Result roundToIntegralMasked(ExtendedReal a, int fcw) {
        X87Result nan = nanOperands(a, null);
        if (nan != null) return nan;
        int flags = denormalFlags(a, a);
        if (a.isZero() || a.isInfinity()) return new X87Result(a, flags);
        int scale = scaleOf(a);
        if (scale >= 0) return new X87Result(a, flags); // already integral
        Cut c = cut(magnitude(a.significand()), scale, false, 0, a.negative(), roundingControl(fcw));
        flags |= c.inexact ? PE | (c.up ? C1 : 0) : 0;
        if (c.kept.signum() == 0) return new X87Result(zero(a.negative()), flags);
        // The magnitude is below 2^64 (it may be exactly 2^63, which a signed long cannot hold).
        int length = c.kept.bitLength();
        long significand = c.kept.shiftLeft(64 - length).longValue();
        return new X87Result(new ExtendedReal((a.negative() ? 0x8000 : 0) | (ExtendedReal.BIAS + length - 1), significand), flags);
    }

    /**
     * FSCALE (SDM vol. 2, FSCALE): a * 2^n with n = b truncated toward zero, rounded once to
     * 64 bits (PC does not apply). 0 * 2^+infinity and infinity * 2^-infinity are invalid.
     */
    static X87Result scale(ExtendedReal a, ExtendedReal b, int fcw) {
        return stopped(scaleMasked(a, b, fcw), fcw);
    }

    private static X87Result scaleMasked(ExtendedReal a, ExtendedReal b, int fcw) {
        X87Result nan = nanOperands(a, b);
        if (nan != null) return nan;
        int flags = denormalFlags(a, b);
        if (b.isInfinity()) {
            if (b.negative() ? a.isInfinity() : a.isZero()) return invalid();
            if (a.isZero() || a.isInfinity()) return new X87Result(a, flags);
            return new X87Result(b.negative() ? zero(a.negative()) : infinity(a.negative()), flags);
        }
        if (a.isZero() || a.isInfinity()) return new X87Result(a, flags);
        int n = truncatedExponent(b);
        return roundExtended(a.negative(), magnitude(a.significand()), scaleOf(a) + n, false, 64, fcw, flags);
    }

    /** trunc(b) for a finite b, clamped to +-2^20 (beyond which every finite non-zero value overflows or underflows alike). */
    private static int truncatedExponent(ExtendedReal b) {
        if (b.isZero()) return 0;
        int scale = scaleOf(b);
        BigInteger m = magnitude(b.significand());
        BigInteger integral = scale >= 0 ? (scale > 64 ? BigInteger.ONE.shiftLeft(64) : m.shiftLeft(scale)) : m.shiftRight(-scale);
        int n = integral.bitLength() > 20 ? 1 << 20 : integral.intValue();
        return b.negative() ? -n : n;
    }

    /**
     * FXTRACT (SDM vol. 2, FXTRACT): {exponent, significand}: the unbiased exponent of a as a
     * value, and a with its exponent replaced by 0 (biased 16383). A zero raises ZE and gives
     * {-infinity, a}; an infinity gives {+infinity, a}; a NaN gives itself (quieted) twice.
     */
    static X87Result[] extract(ExtendedReal a, int fcw) {
        X87Result nan = nanOperands(a, null);
        if (nan != null) return new X87Result[]{nan, nan};
        if (a.isZero()) return new X87Result[]{new X87Result(ExtendedReal.NEGATIVE_INFINITY, ZE), new X87Result(a, ZE)};
        if (a.isInfinity()) return new X87Result[]{new X87Result(ExtendedReal.POSITIVE_INFINITY, 0), new X87Result(a, 0)};
        int flags = denormalFlags(a, a);
        int shift = Long.numberOfLeadingZeros(a.significand());
        int exponent = scaleOf(a) + 63 - shift;
        ExtendedReal significand = new ExtendedReal((a.negative() ? 0x8000 : 0) | ExtendedReal.BIAS, a.significand() << shift);
        return new X87Result[]{new X87Result(ExtendedReal.fromInteger(exponent), flags), new X87Result(significand, flags)};
    }

    /**
     * FPREM (ieee false: quotient truncated toward zero) and FPREM1 (ieee true: quotient rounded
     * to nearest even) (SDM vol. 2, FPREM and FPREM1). The remainder is exact. When the
     * exponent difference d is 64 or more, only a partial reduction is made: a is reduced by b
     * times 2^(d-n) with a truncated quotient, n = 32 + (d mod 32), and C2 reports it incomplete.
     * A tiny remainder is an exact denormal with UM set, and with UM clear raises UE and comes
     * back exponent-wrapped like any unmasked underflow (recorded on hardware); RC and PC do not
     * apply.
     */
    static X87Remainder remainder(ExtendedReal a, ExtendedReal b, boolean ieee, int fcw) {
        X87Result nan = nanOperands(a, b);
        if (nan != null) return new X87Remainder(nan.value(), nan.flags(), 0);
        int flags = denormalFlags(a, b);
        if (a.isInfinity() || b.isZero()) return new X87Remainder(ExtendedReal.INDEFINITE, IE, 0);
        if (a.isZero()) return new X87Remainder(a, flags, 0);
        if (b.isInfinity()) {
            // a itself; a pseudo-denormal comes back in its normal encoding (hardware vectors).
            ExtendedReal value = a.isPseudoDenormal() ? new ExtendedReal(a.signExponent() | 1, a.significand()) : a;
            return new X87Remainder(value, flags, 0);
        }
        BigInteger ma = magnitude(a.significand()), mb = magnitude(b.significand());
        int sa = scaleOf(a), sb = scaleOf(b);
        int d = (sa + ma.bitLength()) - (sb + mb.bitLength());
        boolean partial = d >= 64;
        int shiftB = partial ? d - (32 + d % 32) : 0; // b is scaled by 2^(d-n) for a partial reduction
        int scale = Math.min(sa, sb + shiftB);
        BigInteger na = ma.shiftLeft(sa - scale), nb = mb.shiftLeft(sb + shiftB - scale);
        BigInteger[] qr = na.divideAndRemainder(nb);
        BigInteger q = qr[0], r = qr[1];
        boolean negative = a.negative();
        if (ieee && !partial) {
            int twice = r.shiftLeft(1).compareTo(nb);
            if (twice > 0 || (twice == 0 && q.testBit(0))) {
                q = q.add(BigInteger.ONE);
                r = nb.subtract(r);
                negative = !negative;
            }
        }
        int condition;
        if (partial) {
            condition = 1 << 10;
        } else {
            condition = (q.testBit(0) ? 1 << 9 : 0) | (q.testBit(1) ? 1 << 14 : 0) | (q.testBit(2) ? 1 << 8 : 0);
        }
        if (r.signum() == 0) return new X87Remainder(zero(a.negative()), flags, condition);
        Rounded exact = round(negative, r, scale, false, 64, EXTENDED_EMIN, EXTENDED_EMAX, 0x037F & ~UE | fcw & UE);
        return new X87Remainder(packExtended(exact), flags | (exact.flags & UE), condition);
    }

    // ---- memory operands ---------------------------------------------------------------------

    /** The arithmetic instructions with an m32fp/m64fp operand (SDM vol. 2, FADD, FSUB, FSUBR, FMUL, FDIV, FDIVR). */
    enum Operation { ADD, SUBTRACT, SUBTRACT_REVERSE, MULTIPLY, DIVIDE, DIVIDE_REVERSE }

    /**
     * ST(0) op m32fp. The memory operand takes part as itself: an SNaN stays signalling for the
     * NaN rules (so a QNaN in ST(0) wins over it), and a denormal raises DE like a denormal
     * register operand. Do not convert it with {@link #fromBinary32} first: that quiets SNaNs.
     */
    static X87Result withBinary32(Operation op, ExtendedReal st0, int bits, int fcw) {
        return withMemory(op, st0, widen(bits & 0xFFFF_FFFFL, 23, 8), isDenormal(bits & 0xFFFF_FFFFL, 23, 8) ? DE : 0, fcw);
    }

    /** ST(0) op m64fp: see {@link #withBinary32}. */
    static X87Result withBinary64(Operation op, ExtendedReal st0, long bits, int fcw) {
        return withMemory(op, st0, widen(bits, 52, 11), isDenormal(bits, 52, 11) ? DE : 0, fcw);
    }

    /** FCOM/FCOMP m32fp (SDM vol. 2, FCOM): ST(0) against the memory operand. */
    static X87Comparison compareBinary32(ExtendedReal st0, int bits, boolean quiet) {
        return compare(st0, widen(bits & 0xFFFF_FFFFL, 23, 8), quiet, isDenormal(bits & 0xFFFF_FFFFL, 23, 8) ? DE : 0);
    }

    /** FCOM/FCOMP m64fp. */
    static X87Comparison compareBinary64(ExtendedReal st0, long bits, boolean quiet) {
        return compare(st0, widen(bits, 52, 11), quiet, isDenormal(bits, 52, 11) ? DE : 0);
    }

    private static X87Result withMemory(Operation op, ExtendedReal st0, ExtendedReal m, int denormal, int fcw) {
        return stopped(switch (op) {
            case ADD -> add(st0, m, fcw, denormal);
            case SUBTRACT -> subtract(st0, m, fcw, denormal);
            case SUBTRACT_REVERSE -> subtract(m, st0, fcw, denormal);
            case MULTIPLY -> multiply(st0, m, fcw, denormal);
            case DIVIDE -> divide(st0, m, fcw, denormal);
            case DIVIDE_REVERSE -> divide(m, st0, fcw, denormal);
        }, fcw);
    }

    private static boolean isDenormal(long bits, int fractionBits, int exponentBits) {
        long exponent = (bits >>> fractionBits) & ((1L << exponentBits) - 1);
        return exponent == 0 && (bits & ((1L << fractionBits) - 1)) != 0;
    }

    /** A binary32/binary64 value widened exactly, an SNaN kept signalling (SDM vol. 1, 4.2.2). */
    static ExtendedReal widen(long bits, int fractionBits, int exponentBits) {
        long fraction = bits & ((1L << fractionBits) - 1);
        int maxExponent = (1 << exponentBits) - 1;
        if (((bits >>> fractionBits) & maxExponent) == maxExponent && fraction != 0) {
            int sign = (int) (bits >>> (fractionBits + exponentBits)) & 1;
            return new ExtendedReal((sign << 15) | ExtendedReal.MAX_EXPONENT, ExtendedReal.INTEGER_BIT | (fraction << (63 - fractionBits)));
        }
        return fromBinary(bits, fractionBits, exponentBits).value();
    }

    // ---- comparison ------------------------------------------------------------------------

    /**
     * FCOM/FUCOM/FCOMI/FUCOMI/FTST (SDM vol. 2): the relation of a to b. Unordered for NaNs
     * and unsupported formats; IE for unsupported formats and SNaNs, and for QNaNs too unless
     * {@code quiet}; DE for a denormal operand of an ordered comparison.
     */
    static X87Comparison compare(ExtendedReal a, ExtendedReal b, boolean quiet) {
        return compare(a, b, quiet, 0);
    }

    private static X87Comparison compare(ExtendedReal a, ExtendedReal b, boolean quiet, int denormal) {
        if (a.isUnsupported() || b.isUnsupported() || a.isNaN() || b.isNaN()) {
            boolean signaling = a.isUnsupported() || b.isUnsupported() || a.isSignalingNaN() || b.isSignalingNaN();
            return new X87Comparison(X87Comparison.UNORDERED, signaling || !quiet ? IE : 0);
        }
        int flags = denormalFlags(a, b) | denormal;
        int order = compareValues(a, b);
        return new X87Comparison(order > 0 ? X87Comparison.GREATER : order < 0 ? X87Comparison.LESS : X87Comparison.EQUAL, flags);
    }

    /**
     * FXAM (SDM vol. 2, FXAM, table "FXAM Results"): C3 C2 C0 = the class (unsupported 000, NaN
     * 001, normal 010, infinity 011, zero 100, empty 101, denormal 110; a pseudo-denormal counts
     * as denormal) and C1 = the sign, all in FSW positions (C0 bit 8, C1 bit 9, C2 bit 10, C3
     * bit 14). For an empty ST(0) pass its register contents and {@code empty} true.
     */
    static int examine(ExtendedReal a, boolean empty) {
        int c0 = 1 << 8, c2 = 1 << 10, c3 = 1 << 14;
        int sign = a.negative() ? C1 : 0;
        if (empty) return sign | c3 | c0;
        if (a.isUnsupported()) return sign;
        if (a.isNaN()) return sign | c0;
        if (a.isInfinity()) return sign | c2 | c0;
        if (a.isZero()) return sign | c3;
        if (a.exponent() == 0) return sign | c3 | c2;
        return sign | c2;
    }

    /** Orders two non-NaN supported values (zeros equal whatever their signs). */
    static int compareValues(ExtendedReal a, ExtendedReal b) {
        if (a.isZero() && b.isZero()) return 0;
        if (a.negative() != b.negative()) return a.negative() ? -1 : 1;
        int magnitude = compareMagnitudes(a, b);
        return a.negative() ? -magnitude : magnitude;
    }

    private static int compareMagnitudes(ExtendedReal a, ExtendedReal b) {
        if (a.isInfinity() || b.isInfinity()) return Boolean.compare(a.isInfinity(), b.isInfinity());
        if (a.isZero() || b.isZero()) return Boolean.compare(!a.isZero(), !b.isZero());
        int sa = scaleOf(a), sb = scaleOf(b);
        int scale = Math.min(sa, sb);
        return magnitude(a.significand()).shiftLeft(sa - scale).compareTo(magnitude(b.significand()).shiftLeft(sb - scale));
    }

    // ---- loads and stores --------------------------------------------------------------------

    /** FLD m32fp (SDM vol. 2, FLD): exact; an SNaN raises IE and loads quieted; a denormal raises DE. */
    static X87Result fromBinary32(int bits, int fcw) {
        return fromBinary(bits & 0xFFFF_FFFFL, 23, 8);
    }

    /** FLD m64fp (SDM vol. 2, FLD). */
    static X87Result fromBinary64(long bits, int fcw) {
        return fromBinary(bits, 52, 11);
    }

    private static X87Result fromBinary(long bits, int fractionBits, int exponentBits) {
        int bias = (1 << (exponentBits - 1)) - 1;
        int maxExponent = (1 << exponentBits) - 1;
        int sign = (int) (bits >>> (fractionBits + exponentBits)) & 1;
        int exponent = (int) (bits >>> fractionBits) & maxExponent;
        long fraction = bits & ((1L << fractionBits) - 1);
        int signBit = sign << 15;
        if (exponent == 0 && fraction == 0) return new X87Result(new ExtendedReal(signBit, 0), 0);
        if (exponent == maxExponent) {
            long significand = ExtendedReal.INTEGER_BIT | (fraction << (63 - fractionBits));
            ExtendedReal value = new ExtendedReal(signBit | ExtendedReal.MAX_EXPONENT, significand);
            if (value.isSignalingNaN()) return new X87Result(value.quiet(), IE);
            return new X87Result(value, 0);
        }
        if (exponent == 0) {
            int shift = Long.numberOfLeadingZeros(fraction);
            int unbiased = (1 - bias) - (shift - (63 - fractionBits));
            return new X87Result(new ExtendedReal(signBit | (unbiased + ExtendedReal.BIAS), fraction << shift), DE);
        }
        long significand = ExtendedReal.INTEGER_BIT | (fraction << (63 - fractionBits));
        return new X87Result(new ExtendedReal(signBit | (exponent - bias + ExtendedReal.BIAS), significand), 0);
    }

    /** FST m32fp (SDM vol. 2, FST/FSTP): rounded by RC to single precision (PC does not apply). */
    static X87Store toBinary32(ExtendedReal a, int fcw) {
        return toBinary(a, fcw, 23, 8);
    }

    /** FST m64fp. */
    static X87Store toBinary64(ExtendedReal a, int fcw) {
        return toBinary(a, fcw, 52, 11);
    }

    private static X87Store toBinary(ExtendedReal a, int fcw, int fractionBits, int exponentBits) {
        int bias = (1 << (exponentBits - 1)) - 1;
        long maxExponent = (1L << exponentBits) - 1;
        long fractionMask = (1L << fractionBits) - 1;
        long sign = a.negative() ? 1L << (fractionBits + exponentBits) : 0;
        long infinity = maxExponent << fractionBits;
        if (a.isUnsupported()) return new X87Store((1L << (fractionBits + exponentBits)) | infinity | (1L << (fractionBits - 1)), IE);
        if (a.isNaN()) {
            // The NaN's payload is truncated, not rounded (SDM vol. 1, 4.8.3.4); an SNaN raises IE and is quieted.
            long fraction = ((a.significand() | ExtendedReal.QUIET_BIT) & Long.MAX_VALUE) >>> (63 - fractionBits);
            return new X87Store(sign | infinity | fraction, a.isSignalingNaN() ? IE : 0);
        }
        if (a.isInfinity()) return new X87Store(sign | infinity, 0);
        if (a.isZero()) return new X87Store(sign, 0);
        int flags = 0; // a denormal source raises no DE here (hardware vectors): only UE/PE for its tiny result
        int emin = 1 - bias;
        Rounded r = round(a.negative(), magnitude(a.significand()), scaleOf(a), false, fractionBits + 1, emin, bias, fcw);
        flags |= r.flags;
        // Unmasked overflow or underflow of a store: nothing is stored and only OE or UE is reported,
        // no PE or C1 (SDM vol. 1, 4.9.1.4/5; hardware vectors). bits is 0: there is nothing to write.
        if ((r.flags & ~fcw & (OE | UE)) != 0) return new X87Store(0, r.flags & (OE | UE));
        if (r.kept == null) return new X87Store(sign | infinity, flags);
        if (r.kept.signum() == 0) return new X87Store(sign, flags);
        int length = r.kept.bitLength();
        int lead = r.quantum + length - 1;
        if (lead >= emin) {
            long fraction = r.kept.shiftLeft(fractionBits + 1 - length).longValue() & fractionMask;
            return new X87Store(sign | ((long) (lead + bias) << fractionBits) | fraction, flags);
        }
        return new X87Store(sign | r.kept.shiftLeft(r.quantum - (emin - fractionBits)).longValue(), flags);
    }

    /**
     * FIST/FISTP (RC) and FISTTP (truncate) to a 2-, 4- or 8-byte integer (SDM vol. 2, FIST and
     * FISTTP): a NaN, an infinity, an unsupported format or a value out of range raises IE and
     * stores the integer indefinite (only the sign bit set). The integer is in the low bits.
     */
    static X87Store toInteger(ExtendedReal a, int bytes, int fcw, boolean truncate) {
        int bits = 8 * bytes;
        long indefinite = 1L << (bits - 1);
        if (a.isUnsupported() || a.isNaN() || a.isInfinity()) return new X87Store(indefinite, IE);
        if (a.isZero()) return new X87Store(0, 0);
        int flags = 0;
        int lead = scaleOf(a) + 64 - Long.numberOfLeadingZeros(a.significand()) - 1;
        if (lead >= bits) return new X87Store(indefinite, IE);
        Cut c = cut(magnitude(a.significand()), scaleOf(a), false, 0, a.negative(), truncate ? RC_ZERO : roundingControl(fcw));
        BigInteger value = a.negative() ? c.kept.negate() : c.kept;
        if (value.bitLength() > bits - 1 && !value.equals(BigInteger.ONE.shiftLeft(bits - 1).negate())) {
            return new X87Store(indefinite, IE);
        }
        flags |= c.inexact ? PE | (c.up ? C1 : 0) : 0;
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        return new X87Store(value.longValue() & mask, flags);
    }
}
