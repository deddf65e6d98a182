package dev.panavisor.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The built images exist and have the layout the boot contract relies on. The code itself is
 * checked by disassembly (see src/main/guest/README.md) and by the VMM's integration tests.
 */
class GuestImagesTest {
    private static final int PAGE_TABLES_OFFSET = 0x1000; // guest.ld puts them on the first page boundary

    @ParameterizedTest
    @ValueSource(strings = {GuestImages.DEMO, GuestImages.SMP})
    void startsInRealModeCode(String name) {
        byte[] image = GuestImages.load(name);
        assertEquals((byte) 0xFA, image[0], "cli");
        assertEquals((byte) 0xFC, image[1], "cld");
        // Real-mode code reaches its own data through CS, whose limit is 64 KiB.
        assertTrue(image.length <= 0x10000, name + " is " + image.length + " bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {GuestImages.DEMO, GuestImages.SMP})
    void embedsAnIdentityMapOfTheFirstGibibyte(String name) {
        ByteBuffer image = ByteBuffer.wrap(GuestImages.load(name)).order(ByteOrder.LITTLE_ENDIAN);
        long base = GuestBootContract.LOAD_ADDRESS + PAGE_TABLES_OFFSET;
        long tableFlags = 0x23;  // present, writable, accessed
        long largeFlags = 0xE3;  // present, writable, accessed, dirty, 2 MiB page
        assertEquals(base + 0x1000 | tableFlags, image.getLong(PAGE_TABLES_OFFSET), "PML4[0] -> PDPT");
        assertEquals(base + 0x2000 | tableFlags, image.getLong(PAGE_TABLES_OFFSET + 0x1000), "PDPT[0] -> PD");
        for (int i = 0; i < 512; i++) {
            long entry = image.getLong(PAGE_TABLES_OFFSET + 0x2000 + 8 * i);
            assertEquals((long) i << 21 | largeFlags, entry, "PD[" + i + "]");
        }
    }

    @Test
    void anUnknownGuestIsReportedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> GuestImages.load("nosuchguest"));
        assertTrue(e.getMessage().contains("nosuchguest"), e.getMessage());
        assertTrue(e.getMessage().contains("build-guests.sh"), e.getMessage());
    }

    @Test
    void namesCannotReachOtherResources() {
        assertThrows(IllegalArgumentException.class, () -> GuestImages.load("../module-info"));
    }
}
