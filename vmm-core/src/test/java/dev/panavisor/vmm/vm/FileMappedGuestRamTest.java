package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.Posix;
import dev.panavisor.kvm.sys.Libc;
import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guest RAM backed copy-on-write by a file (GuestRam.mapFile, what the launcher does with a
 * kernel's segments): KVM runs code it reads from the file's pages, the guest's and the host's
 * writes go to private copies, and only ordinary RAM regions can be mapped.
 */
class FileMappedGuestRamTest {
    private static final long PAGE = 4096;

    @TempDir
    Path dir;

    /** An image whose page at file offset 2 pages holds the code that the test maps at TinyGuests.LOAD. */
    private Path image() throws IOException {
        byte[] bytes = new byte[(int) (4 * PAGE)];
        System.arraycopy(TinyGuests.COUNT_TO_TEN_THEN_HALT, 0, bytes, (int) (2 * PAGE), TinyGuests.COUNT_TO_TEN_THEN_HALT.length);
        Path p = dir.resolve("image");
        Files.write(p, bytes);
        return p;
    }

    private static void mapImage(GuestRam ram, Path image, long gpa, long length, long fileOffset) {
        int fd = Posix.open(image.toString(), Libc.O_RDONLY() | Libc.O_CLOEXEC());
        try {
            ram.mapFile(gpa, length, fd, fileOffset, "image");
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    @RequiresKvm
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void kvmRunsCodeFromTheFilesPagesAndWritesNeverReachTheFile() throws IOException {
        Path image = image();
        byte[] before = Files.readAllBytes(image);
        GuestRam ram = GuestRam.unregistered(List.of(new GuestRam.Layout("ram", 0, 2 << 20, false)));
        mapImage(ram, image, TinyGuests.LOAD, 2 * PAGE, 2 * PAGE);
        try (Kvm kvm = Kvm.open(); Vm vm = Vm.builder(kvm).vcpus(1).memory(ram).build()) {
            TinyGuests.CountRun run = TinyGuests.runCountToTen(vm);
            assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, run.reason());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), run.writes());
            vm.memory().write(TinyGuests.LOAD, new byte[] {(byte) 0xF4});
            assertEquals((byte) 0xF4, vm.memory().readU8(TinyGuests.LOAD));
        }
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    @Test
    void onlyWholePagesOfOneOrdinaryRegionCanBeMapped() throws IOException {
        Path image = image();
        try (GuestRam ram = GuestRam.unregistered(List.of(new GuestRam.Layout("low", 0, 1 << 20, false),
                new GuestRam.Layout("rom", 0xFFF00000L, 1 << 20, true)))) {
            var outside = assertThrows(IllegalArgumentException.class, () -> mapImage(ram, image, 0x200000, PAGE, 0));
            assertTrue(outside.getMessage().contains("in no RAM region"), outside.getMessage());
            var rom = assertThrows(IllegalArgumentException.class, () -> mapImage(ram, image, 0xFFF00000L, PAGE, 0));
            assertTrue(rom.getMessage().contains("read-only"), rom.getMessage());
            assertThrows(IllegalArgumentException.class, () -> mapImage(ram, image, (1 << 20) - PAGE, 2 * PAGE, 0),
                    "a range running past its region");
            assertThrows(IllegalArgumentException.class, () -> mapImage(ram, image, 0x1800, PAGE, 0), "an unaligned address");

            mapImage(ram, image, 0x3000, PAGE, 2 * PAGE);
            assertEquals((byte) 0xBA, ram.memory().readU8(0x3000));
            assertEquals(0, ram.memory().readU8(0x4000), "RAM past the mapped page is still anonymous");
        }
    }
}
