package dev.panavisor.vmm.vcpu.fallback;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Replays the x87 vectors recorded on real hardware (vmm-core/src/test/c/x87_vectors.c; masked
 * exceptions, and runs with OM/UM or IM/DM/ZM clear) through {@link X87Arithmetic}: every result
 * and every status-word bit (IE..PE, C0..C3) must match.
 */
class X87VectorReplayTest {
    /** FSW exception bits and C0..C3 as the generator records them. */
    private static final int RECORDED = 0x473F;
    /** Recorded ops the core does not implement yet. */
    private static final java.util.Set<String> NOT_REPLAYED = java.util.Set.of();

    private static ExtendedReal ext(String hex) {
        return new ExtendedReal(Integer.parseInt(hex.substring(0, 4), 16), Long.parseUnsignedLong(hex.substring(4), 16));
    }

    private static String hex(ExtendedReal x) {
        return String.format("%04x%016x", x.signExponent(), x.significand());
    }

    /** The line's expected "result fsw" and what the core computes, or null for an unknown op. */
    private static String[] replay(String[] f) {
        String op = f[0];
        int fcw = Integer.parseInt(f[1], 16);
        String expected = String.join(" ", List.of(f).subList(f.length - 2, f.length));
        String got = switch (op) {
            case "add" -> result(X87Arithmetic.add(ext(f[2]), ext(f[3]), fcw));
            case "sub" -> result(X87Arithmetic.subtract(ext(f[2]), ext(f[3]), fcw));
            case "mul" -> result(X87Arithmetic.multiply(ext(f[2]), ext(f[3]), fcw));
            case "div" -> result(X87Arithmetic.divide(ext(f[2]), ext(f[3]), fcw));
            case "sqrt" -> result(X87Arithmetic.squareRoot(ext(f[2]), fcw));
            case "rndint" -> result(X87Arithmetic.roundToIntegral(ext(f[2]), fcw));
            case "ld32" -> result(X87Arithmetic.fromBinary32((int) Long.parseLong(f[2], 16), fcw));
            case "ld64" -> result(X87Arithmetic.fromBinary64(Long.parseUnsignedLong(f[2], 16), fcw));
            case "st32" -> store(X87Arithmetic.toBinary32(ext(f[2]), fcw), 8);
            case "st64" -> store(X87Arithmetic.toBinary64(ext(f[2]), fcw), 16);
            case "ist16" -> store(X87Arithmetic.toInteger(ext(f[2]), 2, fcw, false), 4);
            case "ist32" -> store(X87Arithmetic.toInteger(ext(f[2]), 4, fcw, false), 8);
            case "ist64" -> store(X87Arithmetic.toInteger(ext(f[2]), 8, fcw, false), 16);
            case "istt16" -> store(X87Arithmetic.toInteger(ext(f[2]), 2, fcw, true), 4);
            case "istt32" -> store(X87Arithmetic.toInteger(ext(f[2]), 4, fcw, true), 8);
            case "istt64" -> store(X87Arithmetic.toInteger(ext(f[2]), 8, fcw, true), 16);
            case "scale" -> result(X87Arithmetic.scale(ext(f[2]), ext(f[3]), fcw));
            case "xtract" -> {
                X87Result[] r = X87Arithmetic.extract(ext(f[2]), fcw);
                expected = f[3] + " " + f[4] + " " + f[5];
                yield hex(r[0].value()) + " " + hex(r[1].value()) + String.format(" %04x", (r[0].flags() | r[1].flags()) & RECORDED);
            }
            case "prem", "prem1" -> {
                X87Remainder r = X87Arithmetic.remainder(ext(f[2]), ext(f[3]), op.equals("prem1"), fcw);
                yield hex(r.value()) + String.format(" %04x", (r.flags() | r.conditionBits()) & RECORDED);
            }
            case "add32", "sub32", "subr32", "mul32", "div32", "divr32" ->
                    result(X87Arithmetic.withBinary32(operation(op), ext(f[2]), (int) Long.parseLong(f[3], 16), fcw));
            case "add64", "sub64", "subr64", "mul64", "div64", "divr64" ->
                    result(X87Arithmetic.withBinary64(operation(op), ext(f[2]), Long.parseUnsignedLong(f[3], 16), fcw));
            case "com32", "com64" -> {
                expected = f[f.length - 1];
                X87Comparison c = op.equals("com32")
                        ? X87Arithmetic.compareBinary32(ext(f[2]), (int) Long.parseLong(f[3], 16), false)
                        : X87Arithmetic.compareBinary64(ext(f[2]), Long.parseUnsignedLong(f[3], 16), false);
                yield String.format("%04x", (c.flags() | c.conditionCodes()) & RECORDED);
            }
            case "iadd32", "isub32", "isubr32", "imul32", "idiv32", "idivr32", "iadd16", "imul16", "idivr16" -> {
                // FIADD..FIDIVR m16int/m32int: the integer converts exactly (FILD), then the register-form operation.
                long raw = Long.parseLong(f[3], 16);
                ExtendedReal m = ExtendedReal.fromInteger(op.endsWith("16") ? (short) raw : (int) raw), st0 = ext(f[2]);
                yield result(switch (op.substring(1, op.length() - 2)) {
                    case "add" -> X87Arithmetic.add(st0, m, fcw);
                    case "sub" -> X87Arithmetic.subtract(st0, m, fcw);
                    case "subr" -> X87Arithmetic.subtract(m, st0, fcw);
                    case "mul" -> X87Arithmetic.multiply(st0, m, fcw);
                    case "div" -> X87Arithmetic.divide(st0, m, fcw);
                    default -> X87Arithmetic.divide(m, st0, fcw);
                });
            }
            case "xam" -> {
                expected = f[f.length - 1];
                yield String.format("%04x", X87Arithmetic.examine(ext(f[2]), false) & RECORDED);
            }
            case "tst" -> {
                expected = f[f.length - 1];
                X87Comparison c = X87Arithmetic.compare(ext(f[2]), ExtendedReal.POSITIVE_ZERO, false);
                yield String.format("%04x", (c.flags() | c.conditionCodes()) & RECORDED);
            }
            case "com", "ucom" -> {
                expected = f[f.length - 1];
                X87Comparison c = X87Arithmetic.compare(ext(f[2]), ext(f[3]), op.equals("ucom"));
                yield String.format("%04x", (c.flags() | c.conditionCodes()) & RECORDED);
            }
            default -> null;
        };
        if (got == null) return null;
        int fsw = Integer.parseInt(f[f.length - 1], 16);
        if ((fsw & ~fcw & 7) != 0) {
            // An unmasked IE, ZE or DE stopped the instruction: the destination is not written, only FSW counts.
            expected = f[f.length - 1];
            got = got.substring(got.lastIndexOf(' ') + 1);
        }
        return new String[]{expected, got};
    }

    private static X87Arithmetic.Operation operation(String op) {
        return switch (op.substring(0, op.length() - 2)) {
            case "add" -> X87Arithmetic.Operation.ADD;
            case "sub" -> X87Arithmetic.Operation.SUBTRACT;
            case "subr" -> X87Arithmetic.Operation.SUBTRACT_REVERSE;
            case "mul" -> X87Arithmetic.Operation.MULTIPLY;
            case "div" -> X87Arithmetic.Operation.DIVIDE;
            default -> X87Arithmetic.Operation.DIVIDE_REVERSE;
        };
    }

    private static String result(X87Result r) {
        return hex(r.value()) + String.format(" %04x", r.flags() & RECORDED);
    }

    private static String store(X87Store s, int digits) {
        return String.format("%0" + digits + "x %04x", s.bits(), s.flags() & RECORDED);
    }

    @Test
    void everyRecordedVectorMatchesTheCore() throws IOException {
        Map<String, int[]> counts = new TreeMap<>(); // op -> {vectors, failures}
        List<String> diffs = new ArrayList<>();
        Map<String, Integer> shown = new TreeMap<>();
        // -Dx87.vectors=/path/to/file.txt.gz replays another (e.g. larger, locally generated) vector file.
        String path = System.getProperty("x87.vectors");
        try (InputStream in = path != null ? java.nio.file.Files.newInputStream(java.nio.file.Path.of(path))
                : getClass().getResourceAsStream("/x87/vectors.txt.gz")) {
            assertNotNull(in, "x87/vectors.txt.gz on the test classpath");
            BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                String[] f = line.trim().split(" ");
                String[] r = replay(f);
                if (r == null) {
                    if (!NOT_REPLAYED.contains(f[0])) fail("unknown op in vectors: " + line);
                    continue;
                }
                int[] c = counts.computeIfAbsent(f[0], k -> new int[2]);
                c[0]++;
                if (!r[0].equals(r[1])) {
                    c[1]++;
                    int n = shown.merge(f[0], 1, Integer::sum);
                    if (n <= 15) diffs.add(line + "\n      expected " + r[0] + "\n      got      " + r[1]);
                }
            }
        }
        StringBuilder summary = new StringBuilder();
        int failures = 0;
        for (var e : counts.entrySet()) {
            summary.append(String.format("%-7s %6d vectors, %5d mismatches%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
            failures += e.getValue()[1];
        }
        System.out.print(summary);
        assertTrue(failures == 0, summary + "\nfirst mismatches (op fcw operands result fsw):\n" + String.join("\n", diffs));
    }
}
