package dev.panavisor.vmm.vcpu.fallback;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static dev.panavisor.vmm.vcpu.fallback.X87Arithmetic.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test per rule of SDM vol. 1, ch. 4 and 8 that X87Arithmetic implements (the hardware vectors cover the rest). */
class X87ArithmeticTest {
    /** FCW with every exception masked: PC extended, RC nearest (the FNINIT value). */
    static final int EXTENDED = 0x037F, DOUBLE = 0x027F, SINGLE = 0x007F;
    static final int RC_DOWN_BITS = 1 << 10, RC_UP_BITS = 2 << 10, RC_ZERO_BITS = 3 << 10;

    static ExtendedReal x(double d) { return X87Arithmetic.fromBinary64(Double.doubleToRawLongBits(d), EXTENDED).value(); }
    static double d(ExtendedReal e) { return Double.longBitsToDouble(X87Arithmetic.toBinary64(e, EXTENDED).bits()); }
    static ExtendedReal e(int signExponent, long significand) { return new ExtendedReal(signExponent, significand); }

    static final ExtendedReal SNAN = e(0x7FFF, 0x8000_0000_0000_0001L);
    static final ExtendedReal QNAN = e(0x7FFF, 0xC000_0000_0000_0005L);
    static final ExtendedReal DENORMAL = e(0, 1);
    static final ExtendedReal PSEUDO_DENORMAL = e(0, 0x8000_0000_0000_0000L);
    static final ExtendedReal UNNORMAL = e(0x3FFF, 0x4000_0000_0000_0000L);
    static final ExtendedReal INF = ExtendedReal.POSITIVE_INFINITY;

    @Test
    void classificationFollowsTable8_3OfSdmVol1Section8_2_2() {
        assertTrue(SNAN.isSignalingNaN() && !SNAN.isQuietNaN() && SNAN.isNaN());
        assertTrue(QNAN.isQuietNaN() && ExtendedReal.INDEFINITE.isQuietNaN());
        assertTrue(DENORMAL.isDenormal() && !DENORMAL.isPseudoDenormal());
        assertTrue(PSEUDO_DENORMAL.isPseudoDenormal() && !PSEUDO_DENORMAL.isDenormal());
        assertTrue(UNNORMAL.isUnsupported());
        assertTrue(e(0x7FFF, 0).isUnsupported(), "pseudo-infinity");
        assertTrue(e(0x7FFF, 0x4000_0000_0000_0000L).isUnsupported() && !e(0x7FFF, 0x4000_0000_0000_0000L).isNaN(), "pseudo-NaN");
        assertTrue(INF.isInfinity() && ExtendedReal.NEGATIVE_ZERO.isZero() && ExtendedReal.NEGATIVE_ZERO.negative());
    }

    @Test
    void fildIsExactIncludingTheMostNegativeInteger() {
        assertEquals(e(0xC03E, 0x8000_0000_0000_0000L), ExtendedReal.fromInteger(Long.MIN_VALUE));
        assertEquals(e(0x403D, 0xFFFF_FFFF_FFFF_FFFEL), ExtendedReal.fromInteger(Long.MAX_VALUE));
        assertEquals(ExtendedReal.ONE, ExtendedReal.fromInteger(1));
        assertEquals(ExtendedReal.POSITIVE_ZERO, ExtendedReal.fromInteger(0));
    }

    @Test
    void exactZeroSumIsPositiveExceptUnderRoundDown_Ieee754Section6_3() {
        assertEquals(ExtendedReal.POSITIVE_ZERO, add(x(1.5), x(-1.5), EXTENDED).value());
        assertEquals(ExtendedReal.POSITIVE_ZERO, add(x(1.5), x(-1.5), EXTENDED | RC_UP_BITS).value());
        assertEquals(ExtendedReal.POSITIVE_ZERO, add(x(1.5), x(-1.5), EXTENDED | RC_ZERO_BITS).value());
        assertEquals(ExtendedReal.NEGATIVE_ZERO, add(x(1.5), x(-1.5), EXTENDED | RC_DOWN_BITS).value());
        assertEquals(ExtendedReal.NEGATIVE_ZERO, add(ExtendedReal.NEGATIVE_ZERO, ExtendedReal.NEGATIVE_ZERO, EXTENDED).value());
        assertEquals(ExtendedReal.NEGATIVE_ZERO, subtract(ExtendedReal.NEGATIVE_ZERO, ExtendedReal.POSITIVE_ZERO, EXTENDED).value());
        assertEquals(0, add(x(1.5), x(-1.5), EXTENDED).flags());
    }

    @Test
    void invalidArithmeticGivesTheIndefinite_SdmVol1Section4_9_1_2() {
        X87Result indefinite = new X87Result(ExtendedReal.INDEFINITE, IE);
        assertEquals(indefinite, add(INF, INF.negate(), EXTENDED));
        assertEquals(indefinite, subtract(INF, INF, EXTENDED));
        assertEquals(indefinite, multiply(ExtendedReal.POSITIVE_ZERO, INF, EXTENDED));
        assertEquals(indefinite, divide(ExtendedReal.NEGATIVE_ZERO, ExtendedReal.POSITIVE_ZERO, EXTENDED));
        assertEquals(indefinite, divide(INF, INF.negate(), EXTENDED));
        assertEquals(indefinite, squareRoot(x(-4), EXTENDED));
        assertEquals(indefinite, squareRoot(INF.negate(), EXTENDED));
        assertEquals(new X87Result(ExtendedReal.NEGATIVE_ZERO, 0), squareRoot(ExtendedReal.NEGATIVE_ZERO, EXTENDED));
    }

    @Test
    void unsupportedOperandsAreInvalid_SdmVol1Section8_2_2() {
        assertEquals(new X87Result(ExtendedReal.INDEFINITE, IE), add(UNNORMAL, x(1), EXTENDED));
        assertEquals(new X87Result(ExtendedReal.INDEFINITE, IE), multiply(x(1), e(0x7FFF, 0), EXTENDED));
        assertEquals(new X87Comparison(X87Comparison.UNORDERED, IE), compare(UNNORMAL, x(1), true));
        assertEquals(new X87Store(0xFFC0_0000L, IE), toBinary32(UNNORMAL, EXTENDED));
        assertEquals(new X87Store(0x8000_0000L, IE), toInteger(UNNORMAL, 4, EXTENDED, false));
    }

    @Test
    void nanPropagationFollowsTable4_7OfSdmVol1() {
        // SNaN and a number: the SNaN quieted, IE.
        assertEquals(new X87Result(SNAN.quiet(), IE), add(SNAN, x(1), EXTENDED));
        // QNaN and a number: the QNaN, no exception.
        assertEquals(new X87Result(QNAN, 0), multiply(x(2), QNAN, EXTENDED));
        // SNaN and QNaN: the QNaN, IE (even when the SNaN's significand is larger).
        ExtendedReal bigSnan = e(0xFFFF, 0xBFFF_FFFF_FFFF_FFFFL);
        assertEquals(new X87Result(QNAN, IE), divide(bigSnan, QNAN, EXTENDED));
        // Two QNaNs: the larger significand; equal significands: the positive one (hardware vectors).
        ExtendedReal bigQnan = e(0xFFFF, 0xC000_0000_0000_0009L);
        assertEquals(new X87Result(bigQnan, 0), add(QNAN, bigQnan, EXTENDED));
        assertEquals(new X87Result(QNAN, 0), add(QNAN.negate(), QNAN, EXTENDED));
        // A QNaN operand takes precedence over a denormal operand (SDM vol. 1, 4.9.2): no DE.
        assertEquals(new X87Result(QNAN, 0), add(DENORMAL, QNAN, EXTENDED));
    }

    @Test
    void divideByZeroGivesSignedInfinityAndZeOnly_SdmVol1Section4_9_1_3() {
        assertEquals(new X87Result(ExtendedReal.NEGATIVE_INFINITY, ZE), divide(x(3), ExtendedReal.NEGATIVE_ZERO, EXTENDED));
        assertEquals(new X87Result(INF, ZE), divide(DENORMAL, ExtendedReal.POSITIVE_ZERO, EXTENDED), "ZE outranks DE");
    }

    @Test
    void denormalAndPseudoDenormalOperandsRaiseDe_SdmVol1Section8_5_2() {
        assertEquals(DE, add(DENORMAL, x(1), EXTENDED).flags() & DE);
        assertEquals(DE, multiply(PSEUDO_DENORMAL, x(1), EXTENDED).flags() & DE);
        assertEquals(DE, compare(PSEUDO_DENORMAL, x(1), false).flags());
        // A pseudo-denormal has the value of the same significand with the minimum normal exponent.
        assertEquals(e(1, 0x8000_0000_0000_0000L), multiply(PSEUDO_DENORMAL, x(1), EXTENDED).value());
        assertEquals(X87Comparison.EQUAL, compare(PSEUDO_DENORMAL, e(1, 0x8000_0000_0000_0000L), true).relation());
    }

    @Test
    void precisionControlRoundsTheSignificandButNotTheExponentRange_SdmVol1Section8_1_5_2() {
        ExtendedReal tiny = e(0x3FFF - 30, 0x8000_0000_0000_0000L); // 2^-30
        X87Result single = add(x(1), tiny, SINGLE);
        assertEquals(ExtendedReal.ONE, single.value());
        assertEquals(PE, single.flags());
        assertEquals(e(0x3FFF, 0x8000_0002_0000_0000L), add(x(1), tiny, DOUBLE).value());
        // PC single keeps the extended exponent range: 2^-1000 * 2^-1000 is no underflow.
        ExtendedReal small = e(0x3FFF - 1000, 0x8000_0000_0000_0000L);
        assertEquals(new X87Result(e(0x3FFF - 2000, 0x8000_0000_0000_0000L), 0), multiply(small, small, SINGLE));
        // Reserved PC 01 behaves as extended on the recorded hardware.
        assertEquals(add(x(1), e(0x3FFF - 60, 0x8000_0000_0000_0000L), EXTENDED), add(x(1), e(0x3FFF - 60, 0x8000_0000_0000_0000L), 0x017F));
    }

    @Test
    void roundedUpResultsSetC1_SdmVol1Section8_1_3_1() {
        // 1/3 = 0.AAAA...AAAA|AA..: to nearest rounds up, toward zero down.
        X87Result nearest = divide(x(1), x(3), EXTENDED);
        X87Result truncated = divide(x(1), x(3), EXTENDED | RC_ZERO_BITS);
        assertEquals(PE | C1, nearest.flags());
        assertEquals(PE, truncated.flags());
        assertEquals(truncated.value().significand() + 1, nearest.value().significand());
        // C1 means rounded up in magnitude: a negative result rounded toward -infinity sets it.
        assertEquals(PE | C1, divide(x(-1), x(3), EXTENDED | RC_DOWN_BITS).flags());
        assertEquals(PE, divide(x(-1), x(3), EXTENDED | RC_UP_BITS).flags());
        assertEquals(new X87Store(1, PE), toInteger(x(1.4), 4, EXTENDED, false));
        assertEquals(new X87Store(2, PE | C1), toInteger(x(1.5), 4, EXTENDED, false));
    }

    @Test
    void maskedOverflowGivesInfinityOrTheLargestFiniteByRc_SdmVol1Section4_9_1_4() {
        ExtendedReal max = e(0x7FFE, -1L);
        assertEquals(new X87Result(INF, OE | PE | C1), multiply(max, x(2), EXTENDED));
        assertEquals(new X87Result(max, OE | PE), multiply(max, x(2), EXTENDED | RC_ZERO_BITS));
        assertEquals(new X87Result(max.negate(), OE | PE), multiply(max, x(-2), EXTENDED | RC_UP_BITS));
        assertEquals(new X87Result(ExtendedReal.NEGATIVE_INFINITY, OE | PE | C1), multiply(max, x(-2), EXTENDED | RC_DOWN_BITS));
        // Under PC single the largest finite value has 24 significand bits.
        assertEquals(e(0x7FFE, 0xFFFF_FF00_0000_0000L), multiply(max, x(2), SINGLE | RC_ZERO_BITS).value());
        assertEquals(new X87Store(0x7F7F_FFFFL, OE | PE), toBinary32(x(1e300), EXTENDED | RC_ZERO_BITS));
        assertEquals(new X87Store(0x7F80_0000L, OE | PE | C1), toBinary32(x(1e300), EXTENDED));
    }

    @Test
    void maskedUnderflowNeedsTinyAndInexact_TininessAfterRounding_SdmVol1Section4_9_1_5() {
        ExtendedReal minNormal = e(1, 0x8000_0000_0000_0000L);
        // Exact denormal result: no UE, no PE.
        assertEquals(new X87Result(e(0, 0x4000_0000_0000_0000L), 0), multiply(minNormal, x(0.5), EXTENDED));
        // Inexact denormal result: UE and PE.
        X87Result inexact = multiply(e(1, 0x8000_0000_0000_0003L), x(0.5), EXTENDED);
        assertEquals(UE | PE | C1, inexact.flags());
        assertEquals(e(0, 0x4000_0000_0000_0002L), inexact.value());
        // Below 2^emin before rounding, but rounding with an unbounded exponent reaches it: not tiny.
        // (2^-16382 * (1 - 2^-64) has 64 significant bits: under PC double it rounds up to 2^-16382.)
        X87Result carried = multiply(minNormal, e(0x3FFE, -1L), DOUBLE | RC_UP_BITS);
        assertEquals(new X87Result(minNormal, PE | C1), carried);
        // Under PC extended the same product needs no rounding with an unbounded exponent: tiny, UE.
        assertEquals(new X87Result(minNormal, UE | PE | C1), multiply(minNormal, e(0x3FFE, -1L), EXTENDED | RC_UP_BITS));
        assertEquals(new X87Store(0x0010_0000_0000_0000L, PE | C1), toBinary64(e(0x3C00, -1L), EXTENDED | RC_UP_BITS));
        assertEquals(new X87Store(0x0000_0001L, UE | PE | C1), toBinary32(e(0x3F6A - 1, 0x8000_0000_0000_0001L), EXTENDED | RC_UP_BITS));
    }

    @Test
    void loadsAreExactAndQuietSignalingNaNs_SdmVol2Fld() {
        assertEquals(new X87Result(ExtendedReal.ONE, 0), fromBinary32(Float.floatToRawIntBits(1f), EXTENDED));
        assertEquals(new X87Result(e(0x7FFF, 0xE000_0000_0000_0000L), IE), fromBinary32(0x7FA0_0000, EXTENDED));
        // The smallest single denormal 2^-149, normalised: DE.
        assertEquals(new X87Result(e(0x3FFF - 149, 0x8000_0000_0000_0000L), DE), fromBinary32(1, EXTENDED));
        assertEquals(new X87Result(e(0x3FFF - 1074, 0x8000_0000_0000_0000L), DE), fromBinary64(1, EXTENDED));
    }

    @Test
    void storesTruncateNaNPayloadsAndRoundByRc_SdmVol1Section4_8_3_4() {
        assertEquals(new X87Store(0x7FC0_0000L | 0x12345, IE), toBinary32(e(0x7FFF, 0x8000_0000_0000_0000L | (0x12345L << 40) | 0xFFFF), EXTENDED));
        assertEquals(new X87Store(Double.doubleToRawLongBits(0.1), PE | C1), toBinary64(divide(x(1), x(10), EXTENDED).value(), EXTENDED));
        assertEquals(new X87Store(Float.floatToRawIntBits(Math.nextDown(0.1f)), PE), toBinary32(divide(x(1), x(10), EXTENDED).value(), EXTENDED | RC_DOWN_BITS));
        assertEquals(new X87Store(0x8000_0000_0000_0000L, 0), toBinary64(ExtendedReal.NEGATIVE_ZERO, EXTENDED));
    }

    @Test
    void integerStoresRaiseIeAndTheIntegerIndefiniteOutOfRange_SdmVol2Fist() {
        assertEquals(new X87Store(0x8000, IE), toInteger(x(32768), 2, EXTENDED, false));
        assertEquals(new X87Store(0x8000, 0), toInteger(x(-32768), 2, EXTENDED, false));
        assertEquals(new X87Store(0x8000, IE), toInteger(x(32767.5), 2, EXTENDED, false), "rounds to 32768");
        assertEquals(new X87Store(0x7FFF, PE), toInteger(x(32767.5), 2, EXTENDED, true), "FISTTP truncates");
        assertEquals(new X87Store(0x8000_0000_0000_0000L, IE), toInteger(ExtendedReal.INDEFINITE, 8, EXTENDED, false));
        assertEquals(new X87Store(-3L, PE | C1), toInteger(x(-2.5), 8, EXTENDED | RC_DOWN_BITS, false));
        assertEquals(new X87Store(0xFFFE, PE), toInteger(x(-2.5), 2, EXTENDED, false), "ties to even");
    }

    @Test
    void frndintUsesRcAndKeepsTheSignOfZero_SdmVol2Frndint() {
        assertEquals(new X87Result(ExtendedReal.NEGATIVE_ZERO, PE), roundToIntegral(x(-0.3), EXTENDED | RC_UP_BITS));
        assertEquals(new X87Result(x(-1), PE | C1), roundToIntegral(x(-0.3), EXTENDED | RC_DOWN_BITS));
        assertEquals(new X87Result(x(2), PE), roundToIntegral(x(2.5), SINGLE));
        assertEquals(new X87Result(x(1e300), 0), roundToIntegral(x(1e300), EXTENDED));
        // -(2^63 - 1/2) rounds to -2^63 (a magnitude a signed long cannot hold; hardware vector).
        assertEquals(new X87Result(e(0xC03E, 0x8000_0000_0000_0000L), PE | C1), roundToIntegral(e(0xC03D, -1L), EXTENDED | RC_DOWN_BITS));
    }

    @Test
    void comparisonsOrderZerosEqualAndNaNsUnordered_SdmVol2Fcom() {
        assertEquals(new X87Comparison(X87Comparison.EQUAL, 0), compare(ExtendedReal.NEGATIVE_ZERO, ExtendedReal.POSITIVE_ZERO, false));
        assertEquals(new X87Comparison(X87Comparison.LESS, 0), compare(x(-1), x(1e-300), false));
        assertEquals(new X87Comparison(X87Comparison.GREATER, 0), compare(INF, x(1e300), false));
        assertEquals(new X87Comparison(X87Comparison.UNORDERED, IE), compare(QNAN, x(1), false));
        assertEquals(new X87Comparison(X87Comparison.UNORDERED, 0), compare(QNAN, x(1), true));
        assertEquals(new X87Comparison(X87Comparison.UNORDERED, IE), compare(SNAN, x(1), true));
        assertEquals(0x4500, new X87Comparison(X87Comparison.UNORDERED, 0).conditionCodes());
    }

    @Test
    void fpremReportsTheLowQuotientBitsAndFprem1RoundsToNearest_SdmVol2Fprem() {
        // 7 / 2: truncated quotient 3 (q0=1, q1=1), remainder 1; nearest quotient 4 (even), remainder -1.
        X87Remainder prem = remainder(x(7), x(2), false, 0x037F);
        assertEquals(x(1), prem.value());
        assertEquals((1 << 9) | (1 << 14), prem.conditionBits());
        X87Remainder prem1 = remainder(x(7), x(2), true, 0x037F);
        assertEquals(x(-1), prem1.value());
        assertEquals(1 << 8, prem1.conditionBits());
        // An exponent difference of 64 or more is reduced partially: C2 set.
        X87Remainder partial = remainder(e(0x3FFF + 100, 0xC000_0000_0000_0001L), x(3), false, 0x037F);
        assertEquals(1 << 10, partial.conditionBits());
        assertEquals(new X87Remainder(ExtendedReal.INDEFINITE, IE, 0), remainder(x(1), ExtendedReal.POSITIVE_ZERO, false, 0x037F));
        // A finite dividend over an infinite divisor is the dividend; a pseudo-denormal comes back normal (hardware vector).
        assertEquals(new X87Remainder(e(0x8001, 0xC000_0000_0000_0000L), DE, 0), remainder(e(0x8000, 0xC000_0000_0000_0000L), INF, false, 0x037F));
    }

    @Test
    void fscaleAndFxtract_SdmVol2() {
        assertEquals(new X87Result(x(12), 0), scale(x(3), x(2.9), EXTENDED));
        assertEquals(new X87Result(x(0.75), 0), scale(x(3), x(-2.9), EXTENDED));
        assertEquals(new X87Result(ExtendedReal.INDEFINITE, IE), scale(ExtendedReal.POSITIVE_ZERO, INF, EXTENDED));
        X87Result[] parts = extract(x(-12), EXTENDED);
        assertEquals(x(3), parts[0].value());
        assertEquals(x(-1.5), parts[1].value());
        X87Result[] zero = extract(ExtendedReal.NEGATIVE_ZERO, EXTENDED);
        assertEquals(new X87Result(ExtendedReal.NEGATIVE_INFINITY, ZE), zero[0]);
        assertEquals(new X87Result(ExtendedReal.NEGATIVE_ZERO, ZE), zero[1]);
        assertArrayEquals(new X87Result[]{new X87Result(INF, 0), new X87Result(INF, 0)}, extract(INF, EXTENDED));
    }

    // ---- properties against Java's IEEE 754 double arithmetic ----

    @Provide
    Arbitrary<Double> moderate() {
        // Normal doubles with exponents well inside the range, so sums, products and quotients stay normal.
        return Arbitraries.longs().between(0, (1L << 52) - 1).flatMap(fraction ->
                Arbitraries.integers().between(-400, 400).flatMap(exponent ->
                        Arbitraries.of(1L, -1L).map(sign -> sign * Math.scalb(1 + fraction / (double) (1L << 52), exponent))));
    }

    /** Under PC double and round to nearest, one x87 rounding to 53 bits equals Java's double arithmetic. */
    @Property(tries = 2000)
    void addSubtractMultiplyDivideMatchJavaDoublesUnderDoublePrecision(@ForAll("moderate") double a, @ForAll("moderate") double b) {
        assertEquals(Double.doubleToRawLongBits(a + b), Double.doubleToRawLongBits(d(add(x(a), x(b), DOUBLE).value())), a + " + " + b);
        assertEquals(Double.doubleToRawLongBits(a - b), Double.doubleToRawLongBits(d(subtract(x(a), x(b), DOUBLE).value())), a + " - " + b);
        assertEquals(Double.doubleToRawLongBits(a * b), Double.doubleToRawLongBits(d(multiply(x(a), x(b), DOUBLE).value())), a + " * " + b);
        assertEquals(Double.doubleToRawLongBits(a / b), Double.doubleToRawLongBits(d(divide(x(a), x(b), DOUBLE).value())), a + " / " + b);
        assertEquals(Double.doubleToRawLongBits(Math.sqrt(Math.abs(a))), Double.doubleToRawLongBits(d(squareRoot(x(Math.abs(a)), DOUBLE).value())));
    }

    /** The inexact flag is raised exactly when the double-precision result differs from the exact one. */
    @Property(tries = 1000)
    void multiplyRaisesPeExactlyWhenInexact(@ForAll("moderate") double a, @ForAll("moderate") double b) {
        X87Result r = multiply(x(a), x(b), DOUBLE);
        boolean exact = new java.math.BigDecimal(a).multiply(new java.math.BigDecimal(b)).compareTo(new java.math.BigDecimal(a * b)) == 0;
        assertEquals(exact ? 0 : PE, r.flags() & PE);
    }

    /** FRNDINT under each RC agrees with Math.rint, floor, ceil and truncation for every finite double. */
    @Property(tries = 2000)
    void frndintMatchesJavaRounding(@ForAll double a) {
        if (Double.isNaN(a) || Double.isInfinite(a)) return;
        double[] expected = {Math.rint(a), Math.floor(a), Math.ceil(a), a < 0 ? Math.ceil(a) : Math.floor(a)};
        for (int rc = 0; rc < 4; rc++) {
            X87Result r = roundToIntegral(x(a), EXTENDED | (rc << 10));
            assertEquals(Double.doubleToRawLongBits(expected[rc]), Double.doubleToRawLongBits(d(r.value())), "rc " + rc + " of " + a);
            assertEquals(expected[rc] == a ? 0 : PE, r.flags() & PE);
        }
    }

    /** Every binary32 value loads exactly and stores back unchanged (SNaNs come back quiet). */
    @Property(tries = 3000)
    void binary32RoundTrips(@ForAll int bits) {
        X87Result loaded = fromBinary32(bits, EXTENDED);
        boolean snan = (bits & 0x7F80_0000) == 0x7F80_0000 && (bits & 0x007F_FFFF) != 0 && (bits & 0x0040_0000) == 0;
        X87Store stored = toBinary32(loaded.value(), EXTENDED);
        assertEquals(snan ? (bits | 0x0040_0000) : bits, (int) stored.bits());
        assertEquals(0, stored.flags());
    }
}
