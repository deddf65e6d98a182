package dev.panavisor.launcher;

import dev.panavisor.firmware.linux.BzImage;
import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's cloud kernel, unmodified, as a bzImage through the 64-bit boot protocol. Slow (about
 * a minute or two here): its decompressor runs under the host's instruction emulator before the
 * kernel prints anything. CI runs it all the same.
 */
@RequiresKvm
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class DebianCloudKernelBzImageSlowBootTest {
    @Test
    void bzImageThroughThe64BitBootProtocolPrintsOurE820MapAndCommandLine() throws Exception {
        BzImage bz = BzImage.parse(Files.readAllBytes(DebianCloudKernel.bzImage()));
        DebianKernelBoot.Outcome o = DebianKernelBoot.bootUntilE820Printed(bz, 540_000);
        System.out.println("Debian cloud kernel as bzImage: " + DebianKernelBoot.howFar(o));
        assertTrue(DebianKernelBoot.e820Complete(o.console()), o.console());
        DebianKernelBoot.assertE820AndCommandLine(o);
    }
}
