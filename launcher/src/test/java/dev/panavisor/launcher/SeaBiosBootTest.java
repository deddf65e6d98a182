package dev.panavisor.launcher;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.testing.RequiresKvm;
import dev.panavisor.vmm.vm.VmExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Debian's unmodified SeaBIOS (package seabios) on the pc machine. */
@RequiresKvm
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SeaBiosBootTest {
    static final Path BIOS = Path.of("/usr/share/seabios/bios.bin");

    @Test
    void seaBiosPrintsItsBannerProbesThePlatformAndReachesItsBootAttempt() throws Exception {
        assertTrue(Files.isRegularFile(BIOS), "scripts/setup.sh installs seabios");
        WatchedConsole debug = new WatchedConsole();
        WatchedConsole serial = new WatchedConsole();
        var config = new PcMachine.Config(BIOS, null, false, 128L << 20, 1, serial, debug);
        try (Kvm kvm = Kvm.open(); PcMachine pc = PcMachine.build(kvm, config)) {
            // Stop once both consoles have the whole line: the UART and the debug port get it at different paces.
            var pending = new java.util.concurrent.atomic.AtomicInteger(2);
            Runnable seen = () -> {
                if (pending.decrementAndGet() == 0) pc.vm().requestExit(new VmExit(VmExit.Reason.HOST_STOP, 0, "test saw the boot attempt"));
            };
            debug.on("No bootable device.", l -> seen.run());
            serial.on("No bootable device.", l -> seen.run());
            pc.vm().start();
            VmExit exit = pc.vm().runUntilExit();
            String log = debug.text();
            assertEquals(VmExit.Reason.HOST_STOP, exit.reason(), exit.detail() + "\n" + log);
            // The debug console (port 0x402) is where Debian's SeaBIOS build logs.
            assertTrue(log.contains("SeaBIOS (version"), log);
            assertTrue(log.contains("Found QEMU fw_cfg"), log);
            assertTrue(log.contains("QEMU fw_cfg DMA interface supported"), log);
            assertTrue(log.contains("PCI: init bdf=00:00.0 id=8086:1237"), log);
            assertTrue(log.contains("PCI: init bdf=00:01.0 id=8086:7000"), log);
            assertTrue(log.contains("PCI: init bdf=00:01.3 id=8086:7113"), log);
            assertTrue(log.contains("0000000000100000 - 0000000007fe0000 = 1 RAM")
                    || log.matches("(?s).*0000000000100000 - 0000000007f[0-9a-f]{5} = 1 RAM.*"), "e820 from fw-cfg and CMOS: " + log);
            assertTrue(log.contains("Booting from "), log);
            assertTrue(log.contains("No bootable device."), log);
            assertEquals(0, pc.guestResets());
            // With no display, SeaBIOS's serial console mirrors the screen on COM1.
            assertTrue(serial.text().contains("SeaBIOS (version"), serial.text());
            // The run stops when the debug console shows the line; the screen copy on COM1 may be a character behind.
            assertTrue(serial.text().contains("No bootable device"), serial.text());
        }
    }

    /**
     * A failed boot with a reboot timeout resets the machine; every reset reruns the firmware
     * from the reset vector, with the APs back in wait-for-SIPI so SeaBIOS finds them again.
     */
    @Test
    void guestResetRerunsTheFirmwareAndAResetLoopEndsTheRun() throws Exception {
        WatchedConsole debug = new WatchedConsole();
        int maxResets = 2;
        var config = new PcMachine.Config(BIOS, null, false, 64L << 20, 2, new WatchedConsole(), debug, maxResets, 0);
        try (Kvm kvm = Kvm.open(); PcMachine pc = PcMachine.build(kvm, config)) {
            pc.vm().start();
            VmExit exit = pc.vm().runUntilExit();
            String log = debug.text();
            assertEquals(VmExit.Reason.RESET, exit.reason(), exit.detail() + "\n" + log);
            assertTrue(exit.detail().contains("reset 3 times"), exit.detail());
            assertEquals(maxResets + 1, pc.guestResets());
            // Power-on plus one run per honoured reset, each reaching the boot attempt again.
            assertEquals(maxResets + 1, debug.count("No bootable device."), log);
            assertTrue(debug.count("SeaBIOS (version") >= maxResets + 1, log);
            assertEquals(maxResets + 1, debug.count("Found 2 cpu(s) max supported 2 cpu(s)"), "the AP answers SIPIs after every reset: " + log);
        }
    }
}
