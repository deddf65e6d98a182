package dev.panavisor.devices.vmfwupdate;

import static dev.panavisor.devices.vmfwupdate.VmLaunchUpdateFile.CTL_DISABLE;
import static dev.panavisor.devices.vmfwupdate.VmLaunchUpdateFile.CTL_HOST_IGVM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.panavisor.devices.vmfwupdate.FirmwareUpdateEngine.HostFirmware;
import dev.panavisor.devices.vmfwupdate.UpdateTestGuest.LaunchUpdate;
import org.junit.jupiter.api.Test;

/**
 * What QEMU's tests/qtest/launchupdate-test.c checks, against our device driven through fw-cfg
 * DMA exactly as the qtest's qfw_cfg_get_file / qfw_cfg_write_file do. The qtest's reset cases boot
 * real IGVM files; here the reset is the engine's decision ({@link ResetPlan}), which is what the
 * machine acts on. The boots themselves are the launcher's end-to-end tests.
 */
class VmLaunchUpdateQtestTest {
    static final long IMAGE_GPA = 0x10_0000;
    static final long IGVM = ImageFormat.IGVM.bit();

    /** A QEMU-like machine: started from IGVM, QEMU-compatible mode. */
    private static UpdateTestGuest qemuLike() {
        return new UpdateTestGuest(b -> b.qemuCompatible(true).hostFirmware(HostFirmware.IGVM));
    }

    private static long stageValidIgvm(UpdateTestGuest g) {
        byte[] image = FakeIgvmInspector.image(4096, UpdateTestGuest.ROM_BASE, UpdateTestGuest.ROM_SIZE);
        g.place(IMAGE_GPA, image);
        return image.length;
    }

    @Test
    void cap_capabilitiesAreExactlyIgvmInQemuCompatibleMode() {
        try (UpdateTestGuest g = qemuLike()) {
            LaunchUpdate lu = g.readLaunchUpdate();
            assertEquals(VmLaunchUpdateFile.SIZE, g.read(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.SIZE).length);
            assertEquals(IGVM, lu.capabilities());
            assertEquals(1, lu.version());
        }
    }

    @Test
    void cap_ourDefaultAlsoOffersThePlatformRomExtension() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            assertEquals(IGVM | ImageFormat.PLATFORM_ROM.bit(), g.readLaunchUpdate().capabilities());
        }
    }

    @Test
    void disabled_disableCannotBeCleared() {
        try (UpdateTestGuest g = qemuLike()) {
            assertEquals(0, g.readLaunchUpdate().control() & CTL_DISABLE);
            g.writeLaunchUpdate(LaunchUpdate.request(CTL_DISABLE, 0, 0));
            LaunchUpdate after = g.writeLaunchUpdate(LaunchUpdate.request(0, 0, 0));
            assertEquals(1, after.control() & CTL_DISABLE);
            // Also through the byte-wide data port, as an old firmware would read it.
            assertEquals(1, LaunchUpdate.parse(g.readByPorts(VmLaunchUpdateFile.NAME, VmLaunchUpdateFile.SIZE)).control() & CTL_DISABLE);
        }
    }

    @Test
    void errorcheck_notStartedFromIgvmGivesNotIgvmInit() {
        try (UpdateTestGuest g = new UpdateTestGuest(b -> b.qemuCompatible(true).hostFirmware(HostFirmware.CLASSIC))) {
            LaunchUpdate lu = g.writeLaunchUpdate(LaunchUpdate.request(IGVM, 0xdeadbeefL, 50));
            assertEquals(VmLaunchUpdateFile.STATUS_NOT_IGVM_INIT, lu.status());
            // The request was not taken: the address and size stay as written.
            assertEquals(0xdeadbeefL, lu.fwImageAddr());
            assertEquals(50, lu.fwImageSize());
        }
    }

    @Test
    void errorcheck_imageWithoutIgvmFormatGivesLoadFail() {
        try (UpdateTestGuest g = new UpdateTestGuest(b -> b.qemuCompatible(true).hostFirmware(HostFirmware.CLASSIC))) {
            assertEquals(VmLaunchUpdateFile.STATUS_LOAD_FAIL, g.writeLaunchUpdate(LaunchUpdate.request(0, 0xdeadbeefL, 50)).status());
        }
        try (UpdateTestGuest g = qemuLike()) {
            assertEquals(VmLaunchUpdateFile.STATUS_LOAD_FAIL, g.writeLaunchUpdate(LaunchUpdate.request(0, 0xdeadbeefL, 50)).status());
        }
    }

    @Test
    void load_igvm_thenHostIgvmAloneRestoresTheHostImage() {
        try (UpdateTestGuest g = qemuLike()) {
            long size = stageValidIgvm(g);
            LaunchUpdate lu = g.writeLaunchUpdate(LaunchUpdate.request(IGVM, IMAGE_GPA, size));
            // vmlaunchupdate.rst, "Triggering the Launch State Update": success clears addr/size, status 0.
            assertEquals(VmLaunchUpdateFile.STATUS_SUCCESS, lu.status());
            assertEquals(0, lu.fwImageAddr());
            assertEquals(0, lu.fwImageSize());

            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertEquals(ImageFormat.IGVM, install.format());
            assertEquals(IMAGE_GPA, install.gpa());
            assertEquals(size, install.size());

            g.writeLaunchUpdate(LaunchUpdate.request(CTL_HOST_IGVM, 0, 0));
            assertInstanceOf(ResetPlan.RestoreHostFirmware.class, g.engine.takeUpdateForReset());
        }
    }

    @Test
    void ctrl_set_once_imageWithHostIgvmRunsForOneResetThenTheHostImage() {
        try (UpdateTestGuest g = qemuLike()) {
            long size = stageValidIgvm(g);
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(IGVM | CTL_HOST_IGVM, IMAGE_GPA, size)).status());
            assertInstanceOf(ResetPlan.InstallImage.class, g.engine.takeUpdateForReset());
            assertInstanceOf(ResetPlan.RestoreHostFirmware.class, g.engine.takeUpdateForReset());
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
        }
    }
}
