package dev.panavisor.launcher;

import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.devices.fwcfg.FwCfgFileOption;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6 with OVMF: stage 1 hands Debian's unified {@code OVMF.fd} to the VMM as a platform ROM,
 * and as an IGVM file made by {@code igvm wrap --platform snp} (from OVMF's own SEV metadata) for a
 * measured-native SNP launch whose logged digest must equal {@code measure --igvm} computed before
 * the run. OVMF then runs at emulator speed; each case asserts the same milestone as
 * {@link OvmfBootSlowTest} (its {@code FLOOR}), so both rise together as the instruction fallback grows.
 */
@RequiresKvm
@Tag("slow-firmware")
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class FirmwareUpdateOvmfSlowTest {
    static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"platform ROM, L, native", "SNP IGVM, LI, snp"})
    void stage1InstallsOvmfWhichRunsAsFarAsOvmfBootsHere(String what, String mode, String platform) throws Exception {
        assertTrue(Files.isRegularFile(OVMF), "scripts/setup.sh installs ovmf");
        Path stage1 = FwUpdateImages.rom(dir, GuestImages.FWUPDATE_STAGE1, Files.size(OVMF));
        Path image = OVMF;
        String offline = null;
        if (mode.contains("I")) {
            Path igvm = dir.resolve("OVMF-" + platform + ".igvm");
            var r = FwUpdateImages.cli("igvm", "wrap", "--firmware", OVMF.toString(), "--platform", platform, "-o", igvm.toString());
            assertEquals(0, r.status(), r.err());
            image = igvm;
            offline = FwUpdateImages.measure(igvm, platform);
        }
        Path log = dir.resolve("measurements.jsonl");
        WatchedConsole debug = new WatchedConsole();
        WatchedConsole serial = new WatchedConsole();
        LaunchPlatform launchPlatform = platform.equals("snp") ? LaunchPlatform.SEV_SNP : LaunchPlatform.NATIVE;
        var launch = new PcMachine.LaunchOptions(null, launchPlatform, true, List.of(
                FwCfgFileOption.parse("name=opt/panavisor/mode,string=" + mode),
                FwCfgFileOption.parse("name=opt/panavisor/stage2,file=" + image)), log);
        var config = new PcMachine.Config(stage1, null, false, 512L << 20, 1, serial, debug, 2, -1, launch);
        try (Kvm kvm = Kvm.open(); PcMachine pc = PcMachine.build(kvm, config)) {
            VmExit arrived = new VmExit(VmExit.Reason.HOST_STOP, 0, "reached the boot manager / shell");
            serial.onPrompt("Shell>", l -> pc.vm().requestExit(arrived)).onPrompt("Press ESC in", l -> pc.vm().requestExit(arrived));
            // The updated firmware reaching the floor is the point; its boot beyond that is
            // OvmfBootSlowTest's, so the run stops there rather than spend minutes more.
            Thread limit = Thread.ofPlatform().daemon().start(() -> {
                try {
                    long end = System.currentTimeMillis() + OvmfBootSlowTest.RUN_LIMIT_MS;
                    while (System.currentTimeMillis() < end) {
                        if (pc.guestResets() == 1 && pc.progress().reached(OvmfBootSlowTest.FLOOR)) {
                            pc.vm().requestExit(new VmExit(VmExit.Reason.HOST_STOP, 0, "reached " + OvmfBootSlowTest.FLOOR));
                            return;
                        }
                        Thread.sleep(500);
                    }
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
            String report = what + ": stopped with " + exit.reason() + " after " + (System.currentTimeMillis() - start) + " ms, "
                    + pc.guestResets() + " guest reset(s)\n" + pc.progress().describe(start)
                    + "\ninstruction fallback: " + pc.vm().emulationStats().describe()
                    + "\ndebugcon: " + debug.text();
            System.out.println(report);
            assertTrue(debug.text().contains("LAUNCHUPDATE STATUS=00000000 ADDR=00000000"), report);
            assertEquals(1, pc.guestResets(), report);
            assertEquals(mode.contains("I") ? "igvm" : "rom", pc.lastLaunch().imageKind(), report);
            FirmwareMilestone furthest = pc.progress().furthest();
            assertNotNull(furthest, report);
            assertTrue(furthest.compareTo(OvmfBootSlowTest.FLOOR) >= 0, "OVMF reached less than " + OvmfBootSlowTest.FLOOR + ":\n" + report);
            if (offline != null) {
                List<String> lines = Files.readAllLines(log);
                assertEquals(2, lines.size(), String.join("\n", lines));
                assertTrue(lines.get(1).contains("\"event\":\"update\"") && lines.get(1).contains("\"digest\":\"" + offline + "\""),
                        "offline " + offline + " vs logged\n" + String.join("\n", lines));
            }
        }
    }
}
