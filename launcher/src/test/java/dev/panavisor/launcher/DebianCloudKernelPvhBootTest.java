package dev.panavisor.launcher;

import dev.panavisor.firmware.linux.BzImage;
import dev.panavisor.firmware.linux.PvhElfKernel;
import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's cloud kernel, unmodified, as an ELF vmlinux through its PVH entry (the vmlinux is
 * taken out of the installed bzImage): it must print back our e820 map and command line.
 */
@RequiresKvm
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DebianCloudKernelPvhBootTest {
    @Test
    void vmlinuxThroughPvhPrintsOurE820MapAndCommandLine() throws Exception {
        BzImage bz = BzImage.parse(Files.readAllBytes(DebianCloudKernel.bzImage()));
        PvhElfKernel vmlinux = PvhElfKernel.parse(DebianCloudKernel.extractVmlinux(bz));
        DebianKernelBoot.Outcome o = DebianKernelBoot.bootUntilE820Printed(vmlinux, 240_000);
        System.out.println("Debian cloud kernel via PVH: " + DebianKernelBoot.howFar(o));
        assertTrue(DebianKernelBoot.e820Complete(o.console()), o.console());
        DebianKernelBoot.assertE820AndCommandLine(o);
    }
}
