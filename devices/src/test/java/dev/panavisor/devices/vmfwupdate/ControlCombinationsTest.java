package dev.panavisor.devices.vmfwupdate;

import static dev.panavisor.devices.vmfwupdate.VmLaunchUpdateFile.CTL_DISABLE;
import static dev.panavisor.devices.vmfwupdate.VmLaunchUpdateFile.CTL_HOST_IGVM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.panavisor.devices.vmfwupdate.UpdateTestGuest.LaunchUpdate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * vmlaunchupdate.rst, VM_LAUNCHUPDATE_CTL_HOST_IGVM: the four combinations A-D, each over two
 * resets, with a further update attempted while the guest's image runs.
 */
class ControlCombinationsTest {
    static final long IMAGE_GPA = 0x10_0000;
    static final long SECOND_GPA = 0x20_0000;

    @ParameterizedTest(name = "{0}: hostIgvm={1} disable={2}")
    @CsvSource({
            // case, HOST_IGVM, DISABLE, second reset restores host, update possible while the image runs, update possible after 2nd reset
            "A, false, false, false, true,  true",
            "B, false, true,  false, false, false",
            "C, true,  false, true,  true,  true",
            "D, true,  true,  true,  false, true",
    })
    void combination(String name, boolean hostIgvm, boolean disable, boolean restoresHost, boolean updatableWhileRunning,
                     boolean updatableAfterSecondReset) {
        try (UpdateTestGuest g = new UpdateTestGuest()) {
            byte[] image = FakeIgvmInspector.image(4096, UpdateTestGuest.ROM_BASE, UpdateTestGuest.ROM_SIZE);
            g.place(IMAGE_GPA, image);
            g.place(SECOND_GPA, image);
            long control = ImageFormat.IGVM.bit() | (hostIgvm ? CTL_HOST_IGVM : 0) | (disable ? CTL_DISABLE : 0);
            LaunchUpdate lu = g.writeLaunchUpdate(LaunchUpdate.request(control, IMAGE_GPA, image.length));
            assertEquals(VmLaunchUpdateFile.STATUS_SUCCESS, lu.status(), name);
            assertEquals(disable ? CTL_DISABLE : 0, lu.control(), name);

            ResetPlan first = g.engine.takeUpdateForReset();
            ResetPlan.InstallImage install = assertInstanceOf(ResetPlan.InstallImage.class, first, name);
            assertEquals(hostIgvm, install.oneShot(), name);
            assertEquals(disable, g.engine.disabled(), name + ": DISABLE survives the reset into the image");
            assertEquals(disable ? CTL_DISABLE : 0, g.readLaunchUpdate().control(), name);

            // The guest's image probes whether it could update again (without keeping the request).
            assertEquals(updatableWhileRunning, probeUpdate(g), name + ": update while the image runs");

            ResetPlan second = g.engine.takeUpdateForReset();
            if (restoresHost) {
                assertInstanceOf(ResetPlan.RestoreHostFirmware.class, second, name);
                assertEquals(false, g.engine.runningGuestImage(), name);
            } else {
                assertInstanceOf(ResetPlan.KeepCurrentFirmware.class, second, name);
                assertEquals(true, g.engine.runningGuestImage(), name);
            }
            assertEquals(updatableAfterSecondReset, probeUpdate(g), name + ": update after the second reset");
        }
    }

    /** Stages an image and withdraws it again (HOST_IGVM-free zero write leaves the plan; we reset-check instead). */
    private static boolean probeUpdate(UpdateTestGuest g) {
        byte[] image = FakeIgvmInspector.image(4096, UpdateTestGuest.ROM_BASE, UpdateTestGuest.ROM_SIZE);
        LaunchUpdate lu = g.writeLaunchUpdate(LaunchUpdate.request(ImageFormat.IGVM.bit(), SECOND_GPA, image.length));
        boolean taken = lu.status() == VmLaunchUpdateFile.STATUS_SUCCESS;
        if (taken) {
            // Withdraw through the v6 fw-blob (all zeros), so the probe does not change the next reset.
            g.write(VmFwUpdateFiles.FW_BLOB, new byte[VmFwUpdateFiles.FW_BLOB_SIZE]);
        }
        return taken;
    }
}
