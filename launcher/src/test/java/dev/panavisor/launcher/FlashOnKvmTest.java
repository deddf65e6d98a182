package dev.panavisor.launcher;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CFI flash under a real vCPU: a tiny firmware (src/test/resources/firmware/flash-probe.S)
 * issues flash commands to the varstore unit while executing from the firmware unit, so
 * every read in a command mode must reach the device (memslot removed) and every read in
 * read-array mode must see the array (memslot back). A second run with the same varstore
 * file sees what the first one programmed and erased.
 */
@RequiresKvm
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlashOnKvmTest {
    static final int VARS_BYTES = 8192;

    @TempDir Path dir;

    @Test
    void flashCommandsFromTheGuestSwitchTheMappingAndPersistAcrossRuns() throws Exception {
        Path firmware = assemble();
        Path vars = dir.resolve("vars.fd");
        byte[] pattern = new byte[VARS_BYTES];
        for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) (i * 7 + 3);
        Files.write(vars, pattern);

        String first = run(firmware, vars);
        assertEquals("RSATPEFKQ DONE\n", first, "R read-array, S status, A array again, T program status, P programmed, "
                + "E/F erased, K other block kept, Q CFI query (lower case = failed check)");
        byte[] after = Files.readAllBytes(vars);
        assertEquals((byte) 0xA5, after[0x20], "the programmed byte reached the file");
        for (int i = 0x1000; i < 0x2000; i++) assertEquals((byte) 0xFF, after[i], "erased block in the file at " + i);
        assertEquals(pattern[0x21], after[0x21]);
        assertTrue(Files.notExists(dir.resolve("vars.fd.journal")), "no journal left after a clean shutdown");

        assertEquals("ER SECOND\n", run(firmware, vars), "the second run finds the first run's changes");
    }

    private static String run(Path firmware, Path vars) throws IOException {
        WatchedConsole debug = new WatchedConsole();
        var config = new PcMachine.Config(firmware, vars, false, 32L << 20, 1, new WatchedConsole(), debug);
        try (Kvm kvm = Kvm.open(); PcMachine pc = PcMachine.build(kvm, config)) {
            VmExit stop = new VmExit(VmExit.Reason.HOST_STOP, 0, "test saw the end marker");
            debug.on("DONE", l -> pc.vm().requestExit(stop)).on("SECOND", l -> pc.vm().requestExit(stop));
            pc.vm().start();
            VmExit exit = pc.vm().runUntilExit();
            assertEquals(VmExit.Reason.HOST_STOP, exit.reason(), exit.detail() + "\n" + debug.text());
            return debug.text();
        }
    }

    /** Assembles the probe firmware with binutils (installed by scripts/setup.sh). */
    private Path assemble() throws Exception {
        Path source = dir.resolve("flash-probe.S");
        try (var in = FlashOnKvmTest.class.getResourceAsStream("/firmware/flash-probe.S")) {
            Files.write(source, in.readAllBytes());
        }
        Path object = dir.resolve("flash-probe.o");
        Path image = dir.resolve("flash-probe.bin");
        exec("as", "--32", "-o", object.toString(), source.toString());
        exec("ld", "-m", "elf_i386", "-e", "0xFFFF0000", "-Ttext=0xFFFF0000", "--oformat", "binary", "-o", image.toString(), object.toString());
        assertEquals(65536, Files.size(image));
        return image;
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
    }
}
