package dev.panavisor.devices.vmfwupdate;

import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.ROM_BASE;
import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.ROM_SIZE;
import static dev.panavisor.devices.vmfwupdate.VmLaunchUpdateFile.CTL_DISABLE;
import static dev.panavisor.devices.vmfwupdate.VmLaunchUpdateFile.CTL_HOST_IGVM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panavisor.devices.vmfwupdate.UpdateTestGuest.LaunchUpdate;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** etc/vmlaunchupdate beyond the qtest: write-back, partial writes, reset clearing, re-checks at reset, ROM extension. */
class VmLaunchUpdateBehaviourTest {
    static final long IGVM = ImageFormat.IGVM.bit();
    static final long GPA = 0x10_0000;
    static final long OPAQUE = 0x30_0000;

    private static byte[] image() { return FakeIgvmInspector.image(4096, ROM_BASE, ROM_SIZE); }

    @Test
    void hostOwnedFieldsAreRestoredWhateverTheGuestWrites() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            LaunchUpdate lu = g.writeLaunchUpdate(new LaunchUpdate(7, 9, 0x1234, -1L, 0, 0, 0, 0, 0));
            assertEquals(1, lu.version());
            assertEquals(0, lu.status());
            assertEquals(0, lu.padding());
            assertEquals(g.engine.launchUpdateCapabilities(), lu.capabilities());
        }
    }

    @Test
    void controlReadsBackOnlyDisableAsInQemu() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            // HOST_IGVM and the format bit are taken but not echoed, so read-modify-write cannot repeat them.
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(IGVM | CTL_HOST_IGVM | (1L << 5), GPA, 4096)).control());
        }
    }

    @Test
    void partialWritesAccumulateUntilTheControlWordCompletesTheRequest() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            // Address alone: an image without a format bit, refused, but the bytes stay in the file.
            assertEquals(0, g.write(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.OFF_FW_IMAGE_ADDR, UpdateTestGuest.u64(GPA)));
            assertEquals(VmLaunchUpdateFile.STATUS_LOAD_FAIL, g.readLaunchUpdate().status());
            g.write(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.OFF_FW_IMAGE_SIZE, UpdateTestGuest.u64(4096));
            assertFalse(g.engine.hasStagedImage());
            // The control word completes it.
            g.write(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.OFF_CONTROL, UpdateTestGuest.u64(IGVM));
            LaunchUpdate lu = g.readLaunchUpdate();
            assertEquals(0, lu.status());
            assertEquals(0, lu.fwImageAddr());
            assertTrue(g.engine.hasStagedImage());
        }
    }

    @Test
    void aWriteOfOnlyTheOpaqueFieldsTakesThemAndLeavesThePlan() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096));
            g.write(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.OFF_OPAQUE_ADDR, UpdateTestGuest.u64(OPAQUE));
            g.write(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.OFF_OPAQUE_SIZE, UpdateTestGuest.u64(4096));
            LaunchUpdate lu = g.readLaunchUpdate();
            assertEquals(OPAQUE, lu.opaqueAddr());
            assertEquals(4096, lu.opaqueSize());
            assertTrue(g.engine.hasStagedImage());
        }
    }

    @Test
    void aWriteRunningPastTheStructFailsAndChangesNothing() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            byte[] before = g.read(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.SIZE);
            int control = g.write(VmLaunchUpdateFile.NAME, 48, new byte[16]);
            assertEquals(UpdateTestGuest.DMA_ERROR, control & UpdateTestGuest.DMA_ERROR);
            assertArrayEquals(before, g.read(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.SIZE));
        }
    }

    @Test
    void opaqueRegionIsKeptAcrossResetsAndARefusedWriteShowsTheAcceptedOne() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            g.memory.write(OPAQUE, "handover".getBytes());
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096).withOpaque(OPAQUE, 4096));
            LaunchUpdate refused = g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096).withOpaque(ROM_BASE, 4096));
            assertEquals(VmLaunchUpdateFile.STATUS_LOAD_FAIL, refused.status());
            assertEquals(OPAQUE, refused.opaqueAddr());

            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertFalse(install.deploys().stream().anyMatch(d -> d.overlaps(new GpaRange(OPAQUE, 4096))));
            g.engine.takeUpdateForReset();
            LaunchUpdate after = g.readLaunchUpdate();
            assertEquals(OPAQUE, after.opaqueAddr());
            assertEquals(4096, after.opaqueSize());
            assertEquals("handover", new String(g.memory.readBytes(OPAQUE, 8)));
        }
    }

    @Test
    void resetClearsStatusAndAddressesButNotDisable() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, 0xdeadbeefL, 50));
            g.writeLaunchUpdate(LaunchUpdate.request(CTL_DISABLE, 0, 0));
            g.engine.takeUpdateForReset();
            LaunchUpdate lu = g.readLaunchUpdate();
            assertEquals(new LaunchUpdate(1, 0, 0, g.engine.launchUpdateCapabilities(), CTL_DISABLE, 0, 0, 0, 0), lu);
        }
    }

    @Test
    void disableTogetherWithAnImageTakesTheImageAndLocks() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(IGVM | CTL_DISABLE, GPA, 4096)).status());
            assertTrue(g.engine.disabled());
            assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
        }
    }

    @Test
    void disableLocksEvenWhenTheImageIsRefused() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            LaunchUpdate lu = g.writeLaunchUpdate(LaunchUpdate.request(IGVM | CTL_DISABLE, GPA, 4096));
            assertEquals(VmLaunchUpdateFile.STATUS_LOAD_FAIL, lu.status());
            assertEquals(CTL_DISABLE, lu.control());
        }
    }

    @Test
    void hostIgvmAloneDropsAStagedImage() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096));
            g.writeLaunchUpdate(LaunchUpdate.request(CTL_HOST_IGVM, 0, 0));
            assertInstanceOf(ResetPlan.RestoreHostFirmware.class, g.engine.takeUpdateForReset());
        }
    }

    @Test
    void aNewImageDuringAOneShotRunReplacesTheReturnToTheHost() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM | CTL_HOST_IGVM, GPA, 4096));
            g.engine.takeUpdateForReset();
            assertTrue(g.engine.returnArmed());
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096));
            ResetPlan.InstallImage second = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertFalse(second.oneShot());
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
        }
    }

    @Test
    void anImageChangedAfterAcceptanceIsCheckedAgainAtResetAndRefused() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096));
            // The guest now makes its image deploy over itself.
            g.place(GPA, FakeIgvmInspector.image(4096, GPA, 0x1000));
            long before = g.engine.refusals();
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
            assertEquals(before + 1, g.engine.refusals());
            assertFalse(g.engine.runningGuestImage());
        }
    }

    @Test
    void aOneShotReturnStillHappensWhenTheNextImageFailsAtReset() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, image());
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM | CTL_HOST_IGVM, GPA, 4096));
            g.engine.takeUpdateForReset();
            g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096));
            g.ram.asSlice(GPA, 4).fill((byte) 0);
            assertInstanceOf(ResetPlan.RestoreHostFirmware.class, g.engine.takeUpdateForReset());
        }
    }

    @Test
    void platformRomThroughTheExtensionBit() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            byte[] rom = new byte[0x20000];
            rom[rom.length - 16] = (byte) 0xEA; // a far jump at the reset vector, as a real ROM has
            g.place(GPA, rom);
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(ImageFormat.PLATFORM_ROM.bit(), GPA, rom.length)).status());
            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertEquals(ImageFormat.PLATFORM_ROM, install.format());
            assertEquals(List.of(new GpaRange((1L << 32) - 0x20000, 0x20000), new GpaRange(0xE0000, 0x20000)), install.deploys());
            assertEquals((byte) 0xEA, install.image().get(ValueLayout.JAVA_BYTE, rom.length - 16));
        }
    }

    @Test
    void classicFirmwareVmsAreUpdatableOutsideQemuCompatibleMode() {
        try (UpdateTestGuest g = new UpdateTestGuest(b -> b.hostFirmware(FirmwareUpdateEngine.HostFirmware.CLASSIC))) {
            g.place(GPA, image());
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096)).status());
            assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
        }
    }
}
