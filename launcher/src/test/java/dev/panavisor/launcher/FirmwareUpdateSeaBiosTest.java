package dev.panavisor.launcher;

import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.devices.fwcfg.FwCfgFileOption;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6 with real firmware: stage 1 hands Debian's SeaBIOS (package seabios) to the VMM as a
 * platform ROM, and as an IGVM file made by {@code igvm wrap --platform native}; after the reset
 * SeaBIOS runs to its boot attempt. Stage 1 is padded to SeaBIOS's size, so the firmware region
 * can hold it.
 */
@RequiresKvm
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FirmwareUpdateSeaBiosTest {
    static final Path BIOS = SeaBiosBootTest.BIOS;

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"platform ROM, L, native", "native IGVM, LI, native", "SNP IGVM, LI, snp"})
    void stage1InstallsSeaBiosWhichRunsToItsBootAttempt(String what, String mode, String platform) throws Exception {
        assertTrue(Files.isRegularFile(BIOS), "scripts/setup.sh installs seabios");
        long size = Files.size(BIOS);
        Path stage1 = FwUpdateImages.rom(dir, GuestImages.FWUPDATE_STAGE1, size);
        Path image = mode.contains("I") ? FwUpdateImages.wrap(dir, BIOS, platform) : BIOS;
        boolean snp = platform.equals("snp");
        // Measured: the logged digest of the update must be the one computed offline before the run.
        String offline = snp ? FwUpdateImages.measure(image, platform) : null;
        Path measurements = dir.resolve("measurements.jsonl");
        WatchedConsole debug = new WatchedConsole();
        var launch = new PcMachine.LaunchOptions(null, snp ? LaunchPlatform.SEV_SNP : LaunchPlatform.NATIVE, true, List.of(
                FwCfgFileOption.parse("name=opt/panavisor/mode,string=" + mode),
                FwCfgFileOption.parse("name=opt/panavisor/stage2,file=" + image)), measurements);
        var config = new PcMachine.Config(stage1, null, false, 128L << 20, 1, new WatchedConsole(), debug, 2, -1, launch);
        try (Kvm kvm = Kvm.open(); PcMachine pc = PcMachine.build(kvm, config)) {
            debug.on("No bootable device.", l -> pc.vm().requestExit(new VmExit(VmExit.Reason.HOST_STOP, 0, "test saw the boot attempt")));
            pc.vm().start();
            VmExit exit = pc.vm().runUntilExit();
            String log = debug.text();
            assertEquals(VmExit.Reason.HOST_STOP, exit.reason(), exit.detail() + "\n" + log);
            assertTrue(log.contains("LAUNCHUPDATE STATUS=00000000 ADDR=00000000"), log);
            int seabios = log.indexOf("SeaBIOS (version");
            assertTrue(seabios > log.indexOf("RESET\n"), log);
            assertTrue(log.contains("Found QEMU fw_cfg"), log);
            assertTrue(log.indexOf("No bootable device.") > seabios, log);
            assertEquals(1, pc.guestResets());
            assertEquals(mode.contains("I") ? "igvm" : "rom", pc.lastLaunch().imageKind());
            if (offline != null) {
                List<String> lines = Files.readAllLines(measurements);
                assertEquals(2, lines.size(), String.join("\n", lines));
                assertTrue(lines.get(1).contains("\"event\":\"update\"") && lines.get(1).contains("\"digest\":\"" + offline + "\""),
                        "offline " + offline + "\n" + String.join("\n", lines));
            }
        }
    }
}
