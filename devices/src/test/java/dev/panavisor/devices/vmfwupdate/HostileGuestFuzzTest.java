package dev.panavisor.devices.vmfwupdate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panavisor.devices.vmfwupdate.UpdateTestGuest.LaunchUpdate;
import dev.panavisor.vmm.memory.GuestRegion;
import java.lang.foreign.ValueLayout;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A hostile guest against both front ends: whole and partial writes with values aimed at RAM and
 * firmware-region edges, 2^64 wrap-around and huge sizes, images placed anywhere (including ones
 * that deploy over themselves), interleaved with resets. Nothing may throw, the host memory around
 * RAM and the firmware region keep their bytes, and whatever a reset installs lies wholly in
 * writable guest RAM, within the size limit, clear of the ranges it deploys.
 */
class HostileGuestFuzzTest {
    static final String[] FILES = {VmLaunchUpdateFile.NAME, VmFwUpdateFiles.CAP, VmFwUpdateFiles.BIOS_SIZE,
            VmFwUpdateFiles.OPAQUE_BLOB, VmFwUpdateFiles.FW_BLOB, VmFwUpdateFiles.DISABLE};

    record Action(int kind, int file, int offset, int length, long control, long a, long b, long c, long d) {}

    @Property(tries = 300)
    void aHostileGuestNeverEscapesOrBreaksTheEngine(@ForAll("actions") List<Action> actions) {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.rom.fill((byte) 0x3C);
            byte[] guards = g.guards();
            byte[] rom = g.rom.toArray(ValueLayout.JAVA_BYTE);
            for (Action a : actions) apply(g, a);
            assertArrayEquals(guards, g.guards(), "host memory around guest RAM changed");
            assertArrayEquals(rom, g.rom.toArray(ValueLayout.JAVA_BYTE), "the read-only firmware region changed");
        }
    }

    private static void apply(UpdateTestGuest g, Action a) {
        switch (a.kind()) {
            case 0 -> g.write(VmLaunchUpdateFile.NAME,
                    new LaunchUpdate(0, 0, 0, 0, a.control(), a.a(), a.b(), a.c(), a.d()).bytes());
            case 1 -> {
                // A partial write of random bytes anywhere in a random file (may run past its end).
                long size = g.device.file(FILES[a.file()]).size();
                int offset = (int) Math.min(a.offset(), size);
                byte[] bytes = new byte[Math.max(1, a.length())];
                for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) ((a.a() >>> (8 * (i & 7))) ^ (a.b() >>> (8 * ((i + 3) & 7))));
                if (offset < size) g.write(FILES[a.file()], offset, bytes);
            }
            case 2 -> g.write(VmFwUpdateFiles.FW_BLOB, concat(UpdateTestGuest.u64(a.b()), UpdateTestGuest.u64(a.a())));
            case 3 -> {
                // Place an image in RAM and stage it through vmlaunchupdate; its first deploy range is
                // either anywhere or near the image itself, so some images deploy over their own bytes.
                long at = (Long.remainderUnsigned(a.a(), UpdateTestGuest.RAM_SIZE - 0x4000) & ~0xFFFL) + 0x3000;
                long near = at + Long.remainderUnsigned(a.b() >>> 1, 0x2000) - 0x1000;
                long first = (a.b() & 1) == 0 ? a.b() & ~0xFFFL : near;
                byte[] image = FakeIgvmInspector.image(4096, first, 0x1000, a.c(), Math.max(1, a.d() & 0xFFFFFF));
                g.place(at, image);
                g.write(VmLaunchUpdateFile.NAME, new LaunchUpdate(0, 0, 0, 0, (a.control() & 3) | ImageFormat.IGVM.bit(),
                        at, image.length, 0, 0).bytes());
            }
            default -> checkPlan(g, g.engine.takeUpdateForReset());
        }
    }

    private static void checkPlan(UpdateTestGuest g, ResetPlan plan) {
        assertNotNull(plan);
        if (plan instanceof ResetPlan.InstallImage install) {
            GuestRegion r = g.memory.regionFor(install.gpa(), install.size());
            assertNotNull(r, "installed image outside guest memory");
            assertFalse(r.readOnly(), "installed image in read-only memory");
            assertTrue(install.size() > 0 && install.size() <= g.engine.maxImageSize());
            GpaRange source = new GpaRange(install.gpa(), install.size());
            assertFalse(install.deploys().stream().anyMatch(source::overlaps), "image deploys over itself");
            if (install.format() == ImageFormat.PLATFORM_ROM) {
                assertTrue(install.size() % PlatformRomInspector.ROM_GRANULE == 0 && install.size() <= UpdateTestGuest.ROM_SIZE);
            }
        }
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = new byte[x.length + y.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Long> addresses = Arbitraries.oneOf(
                Arbitraries.of(0L, 0x10_0000L, 0xE0000L, UpdateTestGuest.RAM_SIZE - 4096, UpdateTestGuest.RAM_SIZE,
                        UpdateTestGuest.ROM_BASE, -4096L, -1L, 0x8000_0000_0000_0000L),
                Arbitraries.longs().between(0, UpdateTestGuest.RAM_SIZE),
                Arbitraries.longs());
        Arbitrary<Long> sizes = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 4096L, 0x10000L, 0x20000L, UpdateTestGuest.ROM_SIZE, UpdateTestGuest.RAM_SIZE, -1L, 1L << 40),
                Arbitraries.longs().between(0, 1 << 22),
                Arbitraries.longs());
        Arbitrary<Long> controls = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 2L, 3L, 1L << 32, 1L << 33, (1L << 32) | 2, (1L << 32) | 3, (1L << 33) | 1, 3L << 32),
                Arbitraries.longs());
        Arbitrary<int[]> shape = Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, FILES.length - 1),
                Arbitraries.integers().between(0, 64),
                Arbitraries.integers().between(0, 80))
                .as((kind, file, offset, length) -> new int[] {kind, file, offset, length});
        Arbitrary<Action> action = Combinators.combine(shape, controls, addresses, sizes, addresses, sizes)
                .as((k, control, a, b, c, d) -> new Action(k[0], k[1], k[2], k[3], control, a, b, c, d));
        return action.list().ofMinSize(1).ofMaxSize(30);
    }
}
