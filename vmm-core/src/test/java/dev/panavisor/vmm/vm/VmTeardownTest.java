package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Teardown must give back every fd and every mapping: 1000 VMs leave fd count and RSS flat. */
@RequiresKvm
class VmTeardownTest {
    @Test
    void thousandVmsLeaveNoFdsOrMemoryBehind() throws IOException {
        try (Kvm kvm = Kvm.open()) {
            cycle(kvm, 50); // warm up: class loading, JIT, arenas
            long fds = openFds();
            long rss = rssKiB();
            cycle(kvm, 1000);
            long fdsAfter = openFds();
            long rssAfter = rssKiB();
            assertEquals(fds, fdsAfter, "fd count after 1000 VMs");
            assertTrue(rssAfter - rss < 64 * 1024, "RSS grew by " + (rssAfter - rss) + " KiB over 1000 VMs");
        }
    }

    private static void cycle(Kvm kvm, int n) {
        for (int i = 0; i < n; i++) {
            final int iter = i;
            try (Vm vm = TinyGuests.boot(kvm, TinyGuests.HALT, 1)) {
                // Touch the pages so a leaked mapping would show in RSS, then put the guest back.
                vm.memory().fill(0, 1 << 20, (byte) 1);
                vm.memory().write(TinyGuests.LOAD, TinyGuests.HALT);
                vm.start();
                VmExit exit = vm.runUntilExit();
                assertEquals(VmExit.Reason.ALL_VCPUS_HALTED, exit.reason(), () -> "VM " + iter + ": " + exit.detail());
            }
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new IllegalStateException("no VmRSS");
    }
}
