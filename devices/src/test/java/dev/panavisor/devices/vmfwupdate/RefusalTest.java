package dev.panavisor.devices.vmfwupdate;

import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.RAM_SIZE;
import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.ROM_BASE;
import static dev.panavisor.devices.vmfwupdate.UpdateTestGuest.ROM_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.panavisor.devices.vmfwupdate.UpdateTestGuest.LaunchUpdate;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every refusal reason, through etc/vmlaunchupdate. A refused write reports LOAD_FAIL (or
 * NOT_IGVM_INIT), leaves the image address and size as the guest wrote them (vmlaunchupdate.rst:
 * the guest can tell success by their being cleared), stages nothing, is counted, and the next
 * reset keeps the current firmware.
 */
class RefusalTest {
    static final long IGVM = ImageFormat.IGVM.bit();
    static final long ROM = ImageFormat.PLATFORM_ROM.bit();
    static final long GPA = 0x10_0000;

    private static void assertRefused(Consumer<FirmwareUpdateEngine.Builder> config, LaunchUpdate request, byte[] image,
                                      RefusalReason reason) {
        try (UpdateTestGuest g = new UpdateTestGuest(config)) {
            if (image != null) g.place(GPA, image);
            long refusalsBefore = g.engine.refusals();
            LaunchUpdate lu = g.writeLaunchUpdate(request);
            assertEquals(reason == RefusalReason.NOT_IGVM_LAUNCH ? VmLaunchUpdateFile.STATUS_NOT_IGVM_INIT : VmLaunchUpdateFile.STATUS_LOAD_FAIL,
                    lu.status(), reason.toString());
            assertEquals(request.fwImageAddr(), lu.fwImageAddr());
            assertEquals(request.fwImageSize(), lu.fwImageSize());
            assertEquals(refusalsBefore + 1, g.engine.refusals());
            assertFalse(g.engine.hasStagedImage());
            assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, g.engine.takeUpdateForReset());
        }
    }

    private static void assertRefused(LaunchUpdate request, byte[] image, RefusalReason reason) {
        assertRefused(b -> {}, request, image, reason);
    }

    private static byte[] validImage() { return FakeIgvmInspector.image(4096, ROM_BASE, ROM_SIZE); }

    @Test
    void noFormatBit() {
        assertRefused(LaunchUpdate.request(0, GPA, 4096), validImage(), RefusalReason.NO_FORMAT);
    }

    @Test
    void unknownFormatBit() {
        assertRefused(LaunchUpdate.request(1L << 40, GPA, 4096), validImage(), RefusalReason.FORMAT_NOT_OFFERED);
    }

    @Test
    void twoFormatBits() {
        assertRefused(LaunchUpdate.request(IGVM | ROM, GPA, 4096), validImage(), RefusalReason.FORMAT_NOT_OFFERED);
    }

    @Test
    void platformRomIsNotOfferedInQemuCompatibleMode() {
        assertRefused(b -> b.qemuCompatible(true).hostFirmware(FirmwareUpdateEngine.HostFirmware.IGVM),
                LaunchUpdate.request(ROM, GPA, 0x10000), null, RefusalReason.FORMAT_NOT_OFFERED);
    }

    @Test
    void igvmIsNotOfferedWithoutAnInspector() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            // A machine that supplied only a ROM region: capabilities say so, and IGVM is refused.
            FirmwareUpdateEngine romOnly = FirmwareUpdateEngine.builder(g.memory).platformRom(ROM_SIZE).build();
            assertEquals(ROM, romOnly.launchUpdateCapabilities());
            Verdict v = romOnly.submit("test", UpdateRequest.image(ImageFormat.IGVM, GPA, 4096));
            assertEquals(RefusalReason.FORMAT_NOT_OFFERED, v.refusal());
        }
    }

    @Test
    void formatWithoutImage() {
        assertRefused(LaunchUpdate.request(IGVM, 0, 0), null, RefusalReason.NO_IMAGE);
    }

    @Test
    void addressWithoutSizeAndSizeWithoutAddress() {
        assertRefused(LaunchUpdate.request(IGVM, GPA, 0), validImage(), RefusalReason.NO_IMAGE);
        assertRefused(LaunchUpdate.request(IGVM, 0, 4096), validImage(), RefusalReason.NO_IMAGE);
    }

    @Test
    void imageLargerThanTheLimit() {
        assertRefused(b -> b.maxImageSize(4096), LaunchUpdate.request(IGVM, GPA, 8192), validImage(), RefusalReason.IMAGE_TOO_LARGE);
        assertRefused(LaunchUpdate.request(IGVM, GPA, -1L), validImage(), RefusalReason.IMAGE_TOO_LARGE);
    }

    @Test
    void imageOutsideGuestRam() {
        assertRefused(LaunchUpdate.request(IGVM, RAM_SIZE, 4096), null, RefusalReason.IMAGE_NOT_IN_RAM);
        assertRefused(LaunchUpdate.request(IGVM, RAM_SIZE - 2048, 4096), null, RefusalReason.IMAGE_NOT_IN_RAM);
        assertRefused(LaunchUpdate.request(IGVM, 0xdeadbeefL, 50), null, RefusalReason.IMAGE_NOT_IN_RAM);
        assertRefused(LaunchUpdate.request(IGVM, -4096L, 8192), null, RefusalReason.IMAGE_NOT_IN_RAM);
    }

    @Test
    void imageInTheReadOnlyFirmwareRegion() {
        assertRefused(LaunchUpdate.request(IGVM, ROM_BASE, 4096), null, RefusalReason.IMAGE_NOT_IN_RAM);
    }

    @Test
    void unparsableImage() {
        assertRefused(LaunchUpdate.request(IGVM, GPA, 4096), new byte[4096], RefusalReason.IMAGE_INVALID);
    }

    @Test
    void throwingInspectorCountsAsRefusal() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            FirmwareUpdateEngine e = FirmwareUpdateEngine.builder(g.memory)
                    .igvm((f, gpa, image) -> { throw new IllegalStateException("parser bug"); }).build();
            assertEquals(RefusalReason.IMAGE_INVALID, e.submit("test", UpdateRequest.image(ImageFormat.IGVM, GPA, 4096)).refusal());
        }
    }

    @Test
    void platformRomOfBadSize() {
        assertRefused(LaunchUpdate.request(ROM, GPA, 0x10000 + 4096), null, RefusalReason.IMAGE_INVALID);
        assertRefused(LaunchUpdate.request(ROM, GPA, ROM_SIZE + 0x10000), null, RefusalReason.IMAGE_INVALID);
    }

    @Test
    void imageThatDeploysOverItself() {
        assertRefused(LaunchUpdate.request(IGVM, GPA, 4096), FakeIgvmInspector.image(4096, GPA + 0x800, 0x1000),
                RefusalReason.IMAGE_OVERLAPS_DEPLOYMENT);
        // Touching but not overlapping is fine: the range ends where the image starts.
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, FakeIgvmInspector.image(4096, GPA - 0x1000, 0x1000, GPA + 4096, 0x1000));
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096)).status());
        }
    }

    @Test
    void platformRomSourceInTheLegacyAliasItWillOverwrite() {
        // A 128 KiB ROM deploys [0xE0000, 0x100000) too; a source there would be overwritten.
        assertRefused(LaunchUpdate.request(ROM, 0xE0000, 0x20000), null, RefusalReason.IMAGE_OVERLAPS_DEPLOYMENT);
    }

    @Test
    void opaqueRegionOutsideRam() {
        assertRefused(LaunchUpdate.request(IGVM, GPA, 4096).withOpaque(ROM_BASE, 4096), validImage(), RefusalReason.OPAQUE_NOT_IN_RAM);
        assertRefused(LaunchUpdate.request(IGVM, GPA, 4096).withOpaque(-4096, 8192), validImage(), RefusalReason.OPAQUE_NOT_IN_RAM);
    }

    @Test
    void opaqueRegionWhereTheImageDeploys() {
        assertRefused(LaunchUpdate.request(IGVM, GPA, 4096).withOpaque(0x80_0000, 4096),
                FakeIgvmInspector.image(4096, 0x80_0000, 0x10000), RefusalReason.OPAQUE_OVERLAPS_DEPLOYMENT);
    }

    @Test
    void anythingWhileDisabled() {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            g.place(GPA, validImage());
            g.writeLaunchUpdate(LaunchUpdate.request(VmLaunchUpdateFile.CTL_DISABLE, 0, 0));
            LaunchUpdate lu = g.writeLaunchUpdate(LaunchUpdate.request(IGVM, GPA, 4096));
            assertEquals(VmLaunchUpdateFile.STATUS_LOAD_FAIL, lu.status());
            assertEquals(GPA, lu.fwImageAddr());
            assertEquals(RefusalReason.DISABLED, g.engine.submit("test", UpdateRequest.restoreHostFirmware()).refusal());
            // Writing DISABLE again, or nothing, is harmless and succeeds.
            assertEquals(0, g.writeLaunchUpdate(LaunchUpdate.request(VmLaunchUpdateFile.CTL_DISABLE, 0, 0)).status());
        }
    }
}
