package dev.panavisor.launcher;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's unmodified OVMF on the pc machine, both layouts. On a host whose KVM runs
 * guests through its instruction emulator (kvm_pvm here), OVMF runs at emulator speed
 * and stops where the emulator (and our instruction fallback) cannot carry it: these tests
 * assert the furthest UEFI phase it reaches is at least {@link #FLOOR}, never less, and
 * print what stopped it. Slow group: CI runs it; a local quick run may exclude the tag.
 */
@RequiresKvm
@Tag("slow-firmware")
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class OvmfBootSlowTest {
    /** What OVMF reaches on this project's CI host today (see docs/platform.md); raise it as the fallback grows. */
    static final FirmwareMilestone FLOOR = FirmwareMilestone.DXE;
    /** On this host PEI's first fw-cfg access comes about 200 s in, DXE's first flash command about 280 s in. */
    static final long RUN_LIMIT_MS = 840_000;

    @TempDir Path dir;

    @Test
    void splitCodeAndVarsReachTheFurthestKnownPhase() throws Exception {
        Path vars = dir.resolve("OVMF_VARS_4M.fd");
        Files.copy(Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"), vars, StandardCopyOption.REPLACE_EXISTING);
        boot("OVMF_CODE_4M.fd + OVMF_VARS_4M.fd", Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), vars, false);
    }

    @Test
    void unifiedImageReachesTheFurthestKnownPhase() throws Exception {
        Path image = dir.resolve("OVMF.fd");
        Files.copy(Path.of("/usr/share/ovmf/OVMF.fd"), image, StandardCopyOption.REPLACE_EXISTING);
        boot("OVMF.fd", image, null, true);
    }

    private static void boot(String what, Path code, Path vars, boolean writable) throws Exception {
        assertTrue(Files.isRegularFile(code), "scripts/setup.sh installs ovmf");
        WatchedConsole serial = new WatchedConsole();
        WatchedConsole debug = new WatchedConsole();
        var config = new PcMachine.Config(code, vars, writable, 512L << 20, 1, serial, debug);
        try (Kvm kvm = Kvm.open(); PcMachine pc = PcMachine.build(kvm, config)) {
            assertTrue(pc.isUefi());
            VmExit arrived = new VmExit(VmExit.Reason.HOST_STOP, 0, "reached the boot manager / shell");
            serial.on("Shell>", l -> pc.vm().requestExit(arrived))
                  .on("Press ESC in", l -> pc.vm().requestExit(arrived))
                  .on("BdsDxe: failed to load", l -> pc.vm().requestExit(arrived));
            Thread limit = Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(RUN_LIMIT_MS);
                    pc.vm().requestExit(new VmExit(VmExit.Reason.HOST_STOP, 0, "run limit"));
                } catch (InterruptedException ignored) {
                    // finished first
                }
            });
            long start = System.currentTimeMillis();
            pc.vm().start();
            VmExit exit = pc.vm().runUntilExit();
            limit.interrupt();
            pc.noteWhereTheFirmwareStopped();
            FirmwareMilestone furthest = pc.progress().furthest();
            String report = what + ": stopped with " + exit.reason() + " after " + (System.currentTimeMillis() - start) + " ms\n"
                    + pc.progress().describe(start) + firstLines(exit.detail(), 14)
                    + "\ninstruction fallback: " + pc.vm().emulationStats().describe()
                    + "\nserial: " + tail(serial.text()) + "\ndebugcon: " + tail(debug.text());
            System.out.println(report);
            assertNotNull(furthest, report);
            assertTrue(furthest.compareTo(FLOOR) >= 0, "OVMF reached less than " + FLOOR + ":\n" + report);
        }
    }

    private static String firstLines(String s, int n) {
        String[] lines = s.split("\n");
        return String.join("\n", java.util.Arrays.copyOf(lines, Math.min(n, lines.length)));
    }

    private static String tail(String s) { return s.length() > 400 ? "..." + s.substring(s.length() - 400) : s; }
}
