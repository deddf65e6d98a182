package dev.panavisor.launcher;

import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.devices.fwcfg.FwCfgFileOption;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6 soak: 500 update-and-reset cycles in one process. Stage 1 stages stage 2 (a platform
 * ROM) through etc/vmlaunchupdate and resets; stage 2 (mode C) stages itself again and resets,
 * so every reset installs a new image; natively the ROM is copied into the firmware region, with
 * SNP measured native every reset also builds a fresh KVM VM and measures the launch. The open fd
 * count must not move between cycle 100 and cycle 500, and RSS must stay flat.
 */
@RequiresKvm
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FirmwareUpdateSoakTest {
    static final int CYCLES = 500;
    /** RSS may move a little (JIT, heap growth before a GC); a leak of ~a page per cycle would show. */
    static final long RSS_SLACK_BYTES = 48L << 20;

    /** Sampled after the JIT and the heap settle; then up to the last cycle. */
    static final int WARM = 100;

    @TempDir Path dir;

    private record Sample(long fds, long rssBytes, long resets) {}

    @ParameterizedTest
    @EnumSource(value = LaunchPlatform.class, names = {"NATIVE", "SEV_SNP"})
    void fiveHundredUpdateAndResetCyclesKeepFdsAndRssFlat(LaunchPlatform platform) throws Exception {
        WatchedConsole debug = new WatchedConsole();
        var launch = new PcMachine.LaunchOptions(null, platform, true, List.of(
                FwCfgFileOption.parse("name=opt/panavisor/mode,string=LC"),
                FwCfgFileOption.parse("name=opt/panavisor/stage2,file=" + FwUpdateImages.stage2(dir))), null);
        var config = new PcMachine.Config(FwUpdateImages.stage1(dir), null, false, 64L << 20, 1, new WatchedConsole(), debug,
                CYCLES, -1, launch);
        Sample[] samples = new Sample[3];
        try (Kvm kvm = Kvm.open(); PcMachine pc = PcMachine.build(kvm, config)) {
            // Stage 2's run counter is printed in hex.
            debug.on(String.format("STAGE2 OK RUN %08X", WARM), l -> samples[0] = sample(pc));
            debug.on(String.format("STAGE2 OK RUN %08X", CYCLES), l -> samples[1] = sample(pc));
            debug.on(String.format("STAGE2 OK RUN %08X", (WARM + CYCLES) / 2), l -> samples[2] = sample(pc));
            long t0 = System.nanoTime();
            pc.vm().start();
            VmExit exit = pc.vm().runUntilExit();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // The machine stops at reset CYCLES + 1, its reset limit.
            assertEquals(VmExit.Reason.RESET, exit.reason(), exit.detail() + "\n" + tail(debug.text()));
            assertEquals(CYCLES + 1, pc.guestResets());
            assertEquals(CYCLES, debug.count("STAGE2 OK RUN"), tail(debug.text()));
            assertEquals(CYCLES, debug.count("OPAQUE OK"), tail(debug.text()));
            assertEquals(CYCLES + 1, debug.count("LAUNCHUPDATE STATUS=00000000 ADDR=00000000"), tail(debug.text()));
            // Measured: a fresh KVM VM for every launch after the first (the last reset only ends the run).
            if (platform != LaunchPlatform.NATIVE) assertEquals(CYCLES, pc.vm().kvmContextRebuilds());
            System.out.printf("soak %s: %d cycles in %d ms; fds %d -> %d, RSS %d KiB -> %d KiB%n", platform, CYCLES, ms,
                    samples[0].fds(), samples[1].fds(), samples[0].rssBytes() >> 10, samples[1].rssBytes() >> 10);
            System.out.printf("soak %s: RSS at cycles %d/%d/%d: %d/%d/%d KiB%n", platform, WARM, (WARM + CYCLES) / 2, CYCLES,
                    samples[0].rssBytes() >> 10, samples[2].rssBytes() >> 10, samples[1].rssBytes() >> 10);
        }
        assertEquals(samples[0].fds(), samples[1].fds(), "open fds at cycle " + WARM + " and at cycle " + CYCLES);
        assertTrue(samples[1].rssBytes() - samples[0].rssBytes() < RSS_SLACK_BYTES,
                "RSS grew from " + samples[0].rssBytes() + " to " + samples[1].rssBytes());
    }

    private static Sample sample(PcMachine pc) {
        // The guest prints before the controller closes the KVM VM a rebuild replaced (that close
        // is kept off the path to the new firmware), so wait until this reset is complete.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pc.vm().resets() < pc.guestResets() && System.nanoTime() < deadline) Thread.onSpinWait();
        // Garbage is not a leak: collect first, so RSS reflects what is live (the test JVM's heap may
        // otherwise grow by tens of MiB of short-lived image copies before it collects).
        System.gc();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            long n = fds.count();
            long rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElseThrow();
            return new Sample(n, rss, pc.guestResets());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }
}
