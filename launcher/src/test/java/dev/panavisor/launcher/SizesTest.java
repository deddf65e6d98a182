package dev.panavisor.launcher;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SizesTest {
    @Test
    void suffixesAreBinaryMultiples() {
        assertEquals(512L << 20, Sizes.parse("512M"));
        assertEquals(512L << 20, Sizes.parse("512m"));
        assertEquals(8L << 30, Sizes.parse("8G"));
        assertEquals(8L << 30, Sizes.parse("8GiB"));
        assertEquals(2L << 30, Sizes.parse("2GB"));
        assertEquals(64L << 10, Sizes.parse("64K"));
        assertEquals(1048576, Sizes.parse("1048576"));
    }

    @Test
    void nonsenseIsRefusedWithTheText() {
        for (String bad : new String[] {"", "M", "12X", "-1G", "1.5G", "99999999999999999999G"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
            assertEquals(true, e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void describePicksTheLargestExactUnit() {
        assertEquals("512 MiB", Sizes.describe(512L << 20));
        assertEquals("8 GiB", Sizes.describe(8L << 30));
        assertEquals("4097 bytes", Sizes.describe(4097));
    }
}
