package dev.panavisor.devices.vmfwupdate;

import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.DMA_ERROR;
import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.ROM_SIZE;
import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panavisor.devices.vmfwupdate.UpdateTestGuest.LaunchUpdate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The v6 file-per-field interface (vmfwupdate.rst of the v6 proposal, "Fw-cfg Files" and "Triggering the Firmware Update"). */
class VmFwUpdateFilesTest {
    static final long GPA = 0x10_0000;

    private static byte[] fwBlob(long size, long paddr) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(size).putLong(paddr).array();
    }

    private static long[] readFwBlob(UpdateTestGuest g) {
        byte[] b = g.read(VmFwUpdateFiles.FW_BLOB, 16);
        return new long[] {u64(b, 0), u64(b, 8)};
    }

    @Test
    void capIsZeroAndReadOnly() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            assertEquals(0, u64(g.read(VmFwUpdateFiles.CAP, 8), 0));
            assertEquals(DMA_ERROR, g.write(VmFwUpdateFiles.CAP, u64(VmFwUpdateFiles.CAP_BIOS_RESIZE)) & DMA_ERROR);
            assertEquals(0, u64(g.read(VmFwUpdateFiles.CAP, 8), 0));
        }
    }

    @Test
    void biosSizeIsTheFirmwareRegionAndReadOnlyWithoutResize() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            assertEquals(ROM_SIZE, u64(g.read(VmFwUpdateFiles.BIOS_SIZE, 8), 0));
            assertEquals(DMA_ERROR, g.write(VmFwUpdateFiles.BIOS_SIZE, u64(0x10000)) & DMA_ERROR);
            assertEquals(ROM_SIZE, u64(g.read(VmFwUpdateFiles.BIOS_SIZE, 8), 0));
        }
    }

    @Test
    void stagedRomIsInstalledAtResetAndFwBlobIsClearedOnReset() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, new byte[0x10000]);
            assertEquals(0, g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x10000, GPA)));
            assertArrayEquals(new long[] {0x10000, GPA}, readFwBlob(g));
            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertEquals(ImageFormat.PLATFORM_ROM, install.format());
            assertEquals(GPA, install.gpa());
            assertEquals(0x10000, install.size());
            assertFalse(install.oneShot());
            assertArrayEquals(new long[] {0, 0}, readFwBlob(g));
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
        }
    }

    @Test
    void fwBlobFieldsMayBeWrittenOneAtATimeInEitherOrder() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.write(VmFwUpdateFiles.FW_BLOB, VmFwUpdateFiles.OFF_BIOS_SIZE, u64(0x20000));
            assertFalse(g.engine.hasStagedImage());
            g.write(VmFwUpdateFiles.FW_BLOB, VmFwUpdateFiles.OFF_BIOS_PADDR, u64(GPA));
            assertTrue(g.engine.hasStagedImage());
        }
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.write(VmFwUpdateFiles.FW_BLOB, VmFwUpdateFiles.OFF_BIOS_PADDR, u64(GPA));
            assertFalse(g.engine.hasStagedImage());
            g.write(VmFwUpdateFiles.FW_BLOB, VmFwUpdateFiles.OFF_BIOS_SIZE, u64(0x20000));
            assertTrue(g.engine.hasStagedImage());
            // Zeroing the address withdraws it again.
            g.write(VmFwUpdateFiles.FW_BLOB, VmFwUpdateFiles.OFF_BIOS_PADDR, u64(0));
            assertFalse(g.engine.hasStagedImage());
        }
    }

    @Test
    void refusedFwBlobWritesLeaveWhatWasAccepted() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x10000, GPA));
            long before = g.engine.refusals();
            g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x10000 + 512, GPA));              // not a multiple of 64 KiB
            g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(ROM_SIZE + 0x10000, GPA));         // larger than bios-size
            g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x10000, UpdateTestGuest.RAM_SIZE)); // outside RAM
            g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x10000, UpdateTestGuest.ROM_BASE)); // in the firmware region itself
            g.write(VmFwUpdateFiles.FW_BLOB, VmFwUpdateFiles.OFF_BIOS_SIZE, u64(12345)); // a bad size alone
            assertEquals(before + 5, g.engine.refusals());
            assertArrayEquals(new long[] {0x10000, GPA}, readFwBlob(g));
            assertEquals(GPA, assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset()).gpa());
        }
    }

    @Test
    void romContentsAndOverlapAreCheckedAtReset() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            // A 128 KiB ROM staged at 0xE0000: size and range pass when written, but installing it
            // would overwrite its own source through the legacy alias, so the reset refuses it.
            assertEquals(0, g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x20000, 0xE0000)));
            assertTrue(g.engine.hasStagedImage());
            long before = g.engine.refusals();
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
            assertEquals(before + 1, g.engine.refusals());
            assertArrayEquals(new long[] {0, 0}, readFwBlob(g));
        }
    }

    @Test
    void disableTakesAnyValueOnlyOnceAndAResetEnablesAgain() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            assertEquals(0, g.read(VmFwUpdateFiles.DISABLE, 1)[0]);
            g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x10000, GPA));
            assertEquals(0, g.write(VmFwUpdateFiles.DISABLE, new byte[] {0}));
            assertEquals(1, g.read(VmFwUpdateFiles.DISABLE, 1)[0]);
            assertEquals(0, g.write(VmFwUpdateFiles.DISABLE, new byte[] {0}));
            assertEquals(1, g.read(VmFwUpdateFiles.DISABLE, 1)[0]);
            // "When the interface is disabled, the replace file is ignored on reset."
            assertFalse(g.engine.hasStagedImage());
            g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x20000, GPA));
            assertFalse(g.engine.hasStagedImage());
            assertEquals(VmLaunchUpdateFile.STATUS_LOAD_FAIL,
                    g.writeLaunchUpdate(LaunchUpdate.request(ImageFormat.PLATFORM_ROM.bit(), GPA, 0x10000)).status());
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
            assertEquals(0, g.read(VmFwUpdateFiles.DISABLE, 1)[0]);
            assertEquals(0, g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x10000, GPA)));
            assertTrue(g.engine.hasStagedImage());
        }
    }

    @Test
    void launchUpdateDisableShowsInTheDisableFileAndOutlivesResets() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.writeLaunchUpdate(LaunchUpdate.request(VmLaunchUpdateFile.CTL_DISABLE, 0, 0));
            assertEquals(1, g.read(VmFwUpdateFiles.DISABLE, 1)[0]);
            g.engine.takeUpdateForReset();
            assertEquals(1, g.read(VmFwUpdateFiles.DISABLE, 1)[0]);
        }
    }

    @Test
    void opaqueBlobIsTheGuestsAndSurvivesUpdatesAndResets() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            assertEquals(VmFwUpdateFiles.OPAQUE_BLOB_SIZE, g.device.file(VmFwUpdateFiles.OPAQUE_BLOB).size());
            byte[] blob = new byte[VmFwUpdateFiles.OPAQUE_BLOB_SIZE];
            Arrays.fill(blob, (byte) 0x5A);
            blob[0] = 1;
            assertEquals(0, g.write(VmFwUpdateFiles.OPAQUE_BLOB, blob));
            g.write(VmFwUpdateFiles.FW_BLOB, fwBlob(0x10000, GPA));
            assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            g.engine.takeUpdateForReset();
            assertArrayEquals(blob, g.read(VmFwUpdateFiles.OPAQUE_BLOB, blob.length));
        }
    }

    @Test
    void theV6FilesNeedAFirmwareRegion() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            FirmwareUpdateEngine igvmOnly = FirmwareUpdateEngine.builder(g.memory).igvm(new FakeIgvmInspector()).build();
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> VmFwUpdateFiles.addTo(dev.panavisor.devices.fwcfg.FwCfgDevice.builder(), igvmOnly));
        }
    }
}
