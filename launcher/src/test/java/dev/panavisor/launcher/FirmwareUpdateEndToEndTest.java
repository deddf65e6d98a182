package dev.panavisor.launcher;

import dev.panavisor.kvm.testing.RequiresKvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6, "End-to-end tests": the stage-1 test firmware reads stage 2 from fw-cfg, stages it
 * through etc/vmlaunchupdate or the v6 etc/vmfwupdate/* files and resets; what runs next, and what
 * the guest read back, is checked on its debug console. Every case goes through {@code run-firmware}
 * in-process, as a user would run it (mode letters: launcher/src/main/guest/README.md).
 */
@RequiresKvm
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FirmwareUpdateEndToEndTest {
    private static final String CAPS_IGVM_AND_ROM = "LAUNCHUPDATE CAPS=0000000300000000";
    private static final String STAGED = "LAUNCHUPDATE STATUS=00000000 ADDR=00000000";
    private static final String LOAD_FAIL = "LAUNCHUPDATE STATUS=00000001";
    private static final String STAGE2_FIRST = "STAGE2 OK RUN 00000001";
    private static final String STAGE2_SECOND = "STAGE2 OK RUN 00000002";
    private static final String STAGE1_AGAIN = "STAGE1 AGAIN";

    @TempDir Path dir;

    /** One run-firmware run: exit status, the guest's debug console, the measurement-log lines. */
    record Run(int status, String console, List<String> log, String err) {
        int count(String s) {
            int n = 0;
            for (int i = console.indexOf(s); i >= 0; i = console.indexOf(s, i + 1)) n++;
            return n;
        }

        List<String> field(String name) {
            List<String> out = new ArrayList<>();
            Pattern p = Pattern.compile("\"" + name + "\":\"([^\"]*)\"");
            for (String l : log) {
                Matcher m = p.matcher(l);
                out.add(m.find() ? m.group(1) : null);
            }
            return out;
        }

        String describe() { return "exit " + status + "\n" + console + "\n" + String.join("\n", log) + "\n" + err; }
    }

    private Run run(Path firmware, String mode, Path stage2, String... extra) throws IOException {
        Path debug = dir.resolve("debug.log");
        Path log = dir.resolve("measurements.jsonl");
        Files.deleteIfExists(debug);
        Files.deleteIfExists(log);
        List<String> args = new ArrayList<>(List.of("run-firmware", "--firmware", firmware.toString(), "--vmfwupdate",
                "--memory", "64M", "--max-resets", "4", "--timeout", "60",
                "--debugcon", debug.toString(), "--serial-log", dir.resolve("serial.log").toString(),
                "--measurement-log", log.toString(),
                "--fw-cfg-file", "name=opt/panavisor/mode,string=" + mode));
        if (stage2 != null) args.addAll(List.of("--fw-cfg-file", "name=opt/panavisor/stage2,file=" + stage2));
        args.addAll(List.of(extra));
        FwUpdateImages.Cli cli = FwUpdateImages.cli(args.toArray(String[]::new));
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return new Run(cli.status(), Files.exists(debug) ? Files.readString(debug) : "", lines, cli.err());
    }

    private static void assertRanStage2Once(Run r) {
        assertEquals(0, r.status(), r.describe());
        assertEquals(1, r.count(STAGE2_FIRST), r.describe());
        assertEquals(0, r.count("STAGE2 OK RUN 00000002"), r.describe());
        assertEquals(0, r.count(STAGE1_AGAIN), r.describe());
        assertTrue(r.console().contains(STAGE2_FIRST + "\nOPAQUE OK\nPOWER OFF\n"), r.describe());
    }

    /** Every vCPU goes back to power-on state at the update's reset: the BSP runs stage 2, the AP waits for INIT-SIPI. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"L", "LI"})
    void anUpdateWithTwoVcpusRunsStage2Once(String mode) throws IOException {
        Path stage2 = FwUpdateImages.stage2(dir);
        Run r = run(FwUpdateImages.stage1(dir), mode, mode.contains("I") ? FwUpdateImages.wrap(dir, stage2, "native") : stage2, "--cpus", "2");
        assertEquals(0, r.status(), r.describe());
        assertRanStage2Once(r);
        assertEquals(List.of("initial", "update"), r.field("event"), r.describe());
        assertTrue(r.log().stream().allMatch(l -> l.contains("\"vcpus\":2")), r.describe());
    }

    @Test
    void platformRomThroughLaunchUpdateRunsStage2WithTheOpaqueRegionIntact() throws IOException {
        Path stage2 = FwUpdateImages.stage2(dir);
        Run r = run(FwUpdateImages.stage1(dir), "L", stage2);
        // Our platform-ROM bit (33) is offered next to IGVM (32).
        assertTrue(r.console().contains(CAPS_IGVM_AND_ROM), r.describe());
        assertTrue(r.console().contains(STAGED + " CONTROL=00000000"), r.describe());
        assertRanStage2Once(r);
        assertEquals(List.of("initial", "update"), r.field("event"), r.describe());
        assertEquals(List.of("rom", "rom"), r.field("image"), r.describe());
        assertEquals(FirmwareInstaller.sha256(java.lang.foreign.MemorySegment.ofArray(Files.readAllBytes(stage2))), r.field("image_sha256").get(1));
    }

    @Test
    void platformRomThroughTheV6FilesRunsStage2AndKeepsTheOpaqueBlob() throws IOException {
        Run r = run(FwUpdateImages.stage1(dir), "V", FwUpdateImages.stage2(dir));
        assertTrue(r.console().contains("V6 FWBLOB SIZE=00010000 ADDR=01000000"), r.describe());
        // Stage 2 checks the marker in etc/vmfwupdate/opaque-blob with mode V.
        assertRanStage2Once(r);
        assertEquals(List.of("initial", "update"), r.field("event"), r.describe());
    }

    @Test
    void stage2AsTheHostsFirmwareFindsNoMarkerSoTheOpaqueCheckCanFail() throws IOException {
        Run r = run(FwUpdateImages.stage2(dir), "L", null);
        assertTrue(r.console().contains(STAGE2_FIRST + "\nOPAQUE LOST\n"), r.describe());
    }

    @Test
    void igvmNativeMadeByIgvmWrapRunsStage2() throws IOException {
        Path igvm = FwUpdateImages.wrap(dir, FwUpdateImages.stage2(dir), "native");
        Run r = run(FwUpdateImages.stage1(dir), "LI", igvm);
        assertTrue(r.console().contains(STAGED), r.describe());
        assertRanStage2Once(r);
        assertEquals(List.of("rom", "igvm"), r.field("image"), r.describe());
    }

    /** Measured native: the logged digest of the update is what {@code measure --igvm} computes before the run. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"snp", "tdx", "sev-es", "sev"})
    void measuredIgvmUpdateLogsTheDigestComputedOfflineBeforeTheRun(String platform) throws IOException {
        Path stage1 = FwUpdateImages.stage1(dir);
        Path igvm = FwUpdateImages.wrap(dir, FwUpdateImages.stage2(dir), platform);
        String offline = FwUpdateImages.measure(igvm, platform);
        String offlineStage1 = FwUpdateImages.measure(FwUpdateImages.wrap(dir, stage1, platform), platform);
        // SHA-384 for SNP and TDX, SHA-256 for SEV and SEV-ES.
        assertTrue(offline.matches(platform.startsWith("sev") ? "[0-9a-f]{64}" : "[0-9a-f]{96}"), offline);

        Run r = run(stage1, "LI", igvm, "--platform", platform);
        assertRanStage2Once(r);
        assertEquals(List.of("initial", "update"), r.field("event"), r.describe());
        assertEquals(List.of(platform, platform), r.field("platform"), r.describe());
        assertEquals(List.of(offlineStage1, offline), r.field("digest"), r.describe());
        assertTrue(r.log().stream().allMatch(l -> l.contains("\"attested\":false")), r.describe());
    }

    /**
     * vmlaunchupdate.rst's four DISABLE/HOST_IGVM combinations across two resets. Stage 1 stages
     * stage 2 (IGVM); stage 2's first run stages itself again and resets. Columns: mode, what the
     * second staging reads back, who runs after the second reset.
     * A: permanent, updates allowed. B: permanent, locked. C: one-shot, allowed. D: one-shot, locked until the host's firmware.
     */
    @ParameterizedTest(name = "{0}: second staging {2}, then {3}")
    @CsvSource({
            "A, LIR2,   STATUS=00000000, stage2",
            "B, LIDR2,  STATUS=00000001, stage2",
            "C, LIHR2,  STATUS=00000000, stage2",
            "D, LIHDR2, STATUS=00000001, stage1",
    })
    void disableAndHostIgvmCombinationsAcrossTwoResets(String combination, String mode, String secondStatus, String afterSecondReset)
            throws IOException {
        Path igvm = FwUpdateImages.wrap(dir, FwUpdateImages.stage2(dir), "native");
        Run r = run(FwUpdateImages.stage1(dir), mode, igvm);
        assertEquals(0, r.status(), r.describe());
        List<String> statuses = lines(r.console(), "LAUNCHUPDATE STATUS=");
        assertEquals(2, statuses.size(), r.describe());
        boolean locks = mode.contains("D");
        assertTrue(statuses.get(0).startsWith(STAGED + " CONTROL=0000000" + (locks ? "1" : "0")), r.describe());
        assertTrue(statuses.get(1).startsWith("LAUNCHUPDATE " + secondStatus), r.describe());
        assertEquals(1, r.count(STAGE2_FIRST), r.describe());
        if (afterSecondReset.equals("stage2")) {
            assertEquals(1, r.count(STAGE2_SECOND), r.describe());
            assertEquals(0, r.count(STAGE1_AGAIN), r.describe());
        } else {
            assertEquals(0, r.count(STAGE2_SECOND), r.describe());
            assertEquals(1, r.count(STAGE1_AGAIN), r.describe());
            assertEquals("restore", r.field("event").getLast(), r.describe());
        }
        // Every stage-2 run finds the marker stage 1 left.
        assertEquals(r.count("STAGE2 OK"), r.count("OPAQUE OK"), r.describe());
    }

    /** Without a second staging: A and B keep stage 2 (permanent); C and D go back to the host's firmware. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"A, LIR, stage2", "B, LIDR, stage2", "C, LIHR, stage1", "D, LIHDR, stage1"})
    void withoutASecondStagingOneShotImagesReturnToTheHostsFirmware(String combination, String mode, String afterSecondReset)
            throws IOException {
        Path igvm = FwUpdateImages.wrap(dir, FwUpdateImages.stage2(dir), "native");
        Run r = run(FwUpdateImages.stage1(dir), mode, igvm);
        assertEquals(0, r.status(), r.describe());
        assertEquals(1, r.count(STAGE2_FIRST), r.describe());
        assertEquals(afterSecondReset.equals("stage2") ? 1 : 0, r.count(STAGE2_SECOND), r.describe());
        assertEquals(afterSecondReset.equals("stage1") ? 1 : 0, r.count(STAGE1_AGAIN), r.describe());
        assertEquals(afterSecondReset.equals("stage2") ? "relaunch" : "restore", r.field("event").getLast(), r.describe());
    }

    @Test
    void unparsableIgvmIsRefusedWhenWrittenWithLoadFailAndTheOldFirmwareRunsAgain() throws IOException {
        // A platform ROM offered as IGVM: no IGVM magic.
        Run r = run(FwUpdateImages.stage1(dir), "LI", FwUpdateImages.stage2(dir));
        assertTrue(r.console().contains(LOAD_FAIL + " ADDR=01000000"), r.describe());
        assertEquals(0, r.count("STAGE2 OK"), r.describe());
        assertEquals(1, r.count(STAGE1_AGAIN), r.describe());
        assertEquals(List.of("initial"), r.field("event"), r.describe());
    }

    @Test
    void imageOverTheRangeItWouldDeployIsRefusedWhenWrittenToLaunchUpdate() throws IOException {
        Run r = run(FwUpdateImages.stage1(dir), "LB", FwUpdateImages.stage2(dir));
        assertTrue(r.console().contains(LOAD_FAIL + " ADDR=000F0000"), r.describe());
        assertEquals(0, r.count("STAGE2 OK"), r.describe());
        assertEquals(1, r.count(STAGE1_AGAIN), r.describe());
    }

    @Test
    void v6ImageOverTheRangeItWouldDeployIsTakenWhenWrittenAndRefusedAtReset() throws IOException {
        Run r = run(FwUpdateImages.stage1(dir), "VB", FwUpdateImages.stage2(dir));
        // The v6 proposal checks an image's contents at reset: the write is taken ...
        assertTrue(r.console().contains("V6 FWBLOB SIZE=00010000 ADDR=000F0000"), r.describe());
        // ... and the reset refuses it; the old firmware runs again, its opaque region untouched.
        assertEquals(0, r.count("STAGE2 OK"), r.describe());
        assertEquals(1, r.count(STAGE1_AGAIN), r.describe());
        assertEquals(List.of("initial"), r.field("event"), r.describe());
    }

    @Test
    void v6DisableAfterStagingDropsTheStagedImage() throws IOException {
        Run r = run(FwUpdateImages.stage1(dir), "VD", FwUpdateImages.stage2(dir));
        assertTrue(r.console().contains("V6 DISABLE=00000001"), r.describe());
        assertEquals(0, r.count("STAGE2 OK"), r.describe());
        assertEquals(1, r.count(STAGE1_AGAIN), r.describe());
    }

    private static List<String> lines(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void withoutAnImageOrInterfaceStage1ResetsAndRunsAgain() throws IOException {
        Run r = run(FwUpdateImages.stage1(dir), "-", null);
        assertFalse(r.console().contains("STAGE2 OK"), r.describe());
        assertTrue(r.console().contains("NO STAGE2 FILE"), r.describe());
        assertEquals(1, r.count(STAGE1_AGAIN), r.describe());
    }
}
