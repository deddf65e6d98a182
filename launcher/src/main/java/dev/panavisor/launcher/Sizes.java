package dev.panavisor.launcher;

import java.util.Locale;

/** Memory sizes as people write them: 512M, 2G, 65536K, 1073741824 (bytes), binary multiples. */
final class Sizes {
    private Sizes() {}

    static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) t = t.substring(0, t.length() - 1);
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> { }
            }
        }
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 18) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 512M, 2G, 1048576)");
        }
        long n = Long.parseLong(digits);
        if (n > (Long.MAX_VALUE >> shift)) throw new IllegalArgumentException("'" + text + "' is too large");
        return n << shift;
    }

    static String describe(long bytes) {
        if (bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        if (bytes % (1L << 20) == 0) return (bytes >> 20) + " MiB";
        return bytes + " bytes";
    }
}
