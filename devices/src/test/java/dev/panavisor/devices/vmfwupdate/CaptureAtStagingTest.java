package dev.panavisor.devices.vmfwupdate;

import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.ROM_BASE;
import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.ROM_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panavisor.devices.vmfwupdate.UpdateTestGuest.LaunchUpdate;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Images of a captured format are copied out of guest RAM when staged through
 * {@code etc/vmlaunchupdate} (vmlaunchupdate.rst: the image is loaded at the write, not at the
 * reset), inspected in that copy and installed from it.
 */
class CaptureAtStagingTest {
    static final long IGVM = ImageFormat.IGVM.bit();
    static final long GPA = 0x10_0000;

    record Capture(ImageFormat format, long gpa, MemorySegment copy) {}

    private final List<Capture> captures = new ArrayList<>();
    private final FakeIgvmInspector inspector = new FakeIgvmInspector();

    private UpdateTestGuest guest() {
        return new UpdateTestGuest(b -> b.igvm(inspector).captureAtStaging(ImageFormat.IGVM,
                (format, gpa, copy) -> captures.add(new Capture(format, gpa, copy))));
    }

    private static byte[] image() { return FakeIgvmInspector.image(4096, ROM_BASE, ROM_SIZE, 0x20_0000, 0x1000); }

    @Test
    void theResetInstallsTheBytesAsStagedWhateverTheGuestWritesAfterwards() {
        try (UpdateTestGuest g = guest()) {
            byte[] staged = image();
            g.place(GPA, staged);
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, staged.length)).status());
            // Without the copy this would fail the re-check (no magic) or, worse, install these bytes.
            g.ram.asSlice(GPA, staged.length).fill((byte) 0x5A);
            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertTrue(install.captured());
            assertArrayEquals(staged, install.image().toArray(ValueLayout.JAVA_BYTE));
            assertEquals(GPA, install.gpa());
            assertEquals(1, inspector.calls, "a captured image is inspected once, at the write");
        }
    }

    @Test
    void theListenerGetsTheVerySegmentTheResetInstallsAndItIsReadOnly() {
        try (UpdateTestGuest g = guest()) {
            g.place(GPA, image());
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096));
            assertEquals(1, captures.size());
            Capture c = captures.getFirst();
            assertEquals(ImageFormat.IGVM, c.format());
            assertEquals(GPA, c.gpa());
            assertTrue(c.copy().isReadOnly());
            assertThrows(RuntimeException.class, () -> c.copy().set(ValueLayout.JAVA_BYTE, 0, (byte) 0));
            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertSame(c.copy(), install.image());
        }
    }

    @Test
    void aRefusedImageIsNotReportedAsCaptured() {
        try (UpdateTestGuest g = guest()) {
            g.place(GPA, new byte[4096]); // no magic
            assertEquals(1, g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096)).status());
            // Outside guest RAM: refused before anything is copied.
            assertEquals(1, g.writeLaunchUpdate(LaunchUpdate.request(IGVM, UpdateTestGuest.RAM_SIZE - 0x800, 4096)).status());
            assertEquals(List.of(), captures);
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
        }
    }

    @Test
    void anOpaqueRegionMovedOntoTheDeploymentAfterStagingIsRefusedAtTheReset() {
        try (UpdateTestGuest g = guest()) {
            g.place(GPA, image());
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096)).status());
            // A write of only the opaque fields is taken and leaves the staged image in place...
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(0, 0, 0).withOpaque(0x20_0000, 0x1000)).status());
            long before = g.engine.refusals();
            // ... but installing the image would now overwrite what the guest asked to keep.
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
            assertEquals(before + 1, g.engine.refusals());
            assertFalse(g.engine.runningGuestImage());
        }
    }

    @Test
    void aNewerStagingReplacesTheCopy() {
        try (UpdateTestGuest g = guest()) {
            byte[] first = image();
            byte[] second = FakeIgvmInspector.image(8192, ROM_BASE, ROM_SIZE);
            g.place(GPA, first);
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, first.length));
            g.place(GPA + 0x4000, second);
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA + 0x4000, second.length));
            assertEquals(2, captures.size());
            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertSame(captures.get(1).copy(), install.image());
            assertArrayEquals(second, install.image().toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void formatsNotCapturedAreStillReadFromGuestRamAtTheReset() {
        try (UpdateTestGuest g = guest()) {
            byte[] rom = new byte[0x20000];
            g.place(GPA, rom);
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(ImageFormat.PLATFORM_ROM.bit(), GPA, rom.length)).status());
            g.ram.set(ValueLayout.JAVA_BYTE, GPA + rom.length - 16, (byte) 0xEA);
            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertFalse(install.captured());
            assertEquals((byte) 0xEA, install.image().get(ValueLayout.JAVA_BYTE, rom.length - 16), "a live view of guest RAM");
            assertEquals(List.of(), captures);
        }
    }

    @Test
    void aSizeLimitBeyondAJavaArrayCannotBeCombinedWithCapture() {
        var b = FirmwareUpdateEngine.builder(new dev.panavisor.vmm.memory.GuestMemory(List.of()))
                .igvm(inspector).captureAtStaging(ImageFormat.IGVM, (f, a, c) -> { }).maxImageSize(4L << 30);
        assertThrows(IllegalStateException.class, b::build);
    }
}
