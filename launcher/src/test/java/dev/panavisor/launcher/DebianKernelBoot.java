package dev.panavisor.launcher;

import dev.panavisor.devices.console.StreamConsoleSink;
import dev.panavisor.firmware.linux.KernelImage;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.vmm.boot.E820Entry;
import dev.panavisor.vmm.boot.PcMemoryMap;
import dev.panavisor.vmm.cpu.CpuTemplates;
import dev.panavisor.vmm.vm.VmExit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boots an unmodified Debian kernel on the microvm machine until it has printed its e820 map
 * and the line after it, then checks both against what we passed and stops the VM. It reports
 * how far the kernel got when it stopped on its own first (e.g. an instruction the host's
 * emulator lacks).
 */
final class DebianKernelBoot {
    static final long MEMORY = 512L << 20;
    static final String CMDLINE = "console=ttyS0 earlyprintk=ttyS0 panavisor.test=debian-e820";
    private static final Pattern LINE = Pattern.compile("^\\[\\s*[0-9.]+\\] (.*)$", Pattern.MULTILINE);

    record Outcome(String console, VmExit exit, long millis) { }

    private DebianKernelBoot() {}

    static Outcome bootUntilE820Printed(KernelImage kernel, long timeoutMillis) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamConsoleSink console = new StreamConsoleSink(out);
        var config = new MicroVmMachine.Config(kernel, null, CMDLINE, MEMORY, 1, CpuTemplates.HOST_SAFE);
        long start = System.nanoTime();
        try (Kvm kvm = Kvm.open(); MicroVm micro = MicroVmMachine.build(kvm, config, console, HardwareReducedAcpi.INSTANCE, new Timeline())) {
            AtomicReference<VmExit> exit = new AtomicReference<>();
            micro.vm().start();
            Thread controller = Thread.ofPlatform().start(() -> exit.set(micro.vm().runUntilExit()));
            long deadline = start + timeoutMillis * 1_000_000;
            while (exit.get() == null && System.nanoTime() < deadline && !e820Complete(out.toString(StandardCharsets.US_ASCII))) {
                Thread.sleep(100);
            }
            micro.vm().requestExit(VmExit.of(VmExit.Reason.HOST_STOP));
            controller.join();
            console.flush();
            return new Outcome(out.toString(StandardCharsets.US_ASCII), exit.get(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The kernel has printed its e820 listing and at least one line after it. */
    static boolean e820Complete(String console) {
        List<String> lines = kernelLines(console);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("BIOS-e820:") && i + 1 < lines.size() && !lines.get(i + 1).startsWith("BIOS-e820:")) return true;
        }
        return false;
    }

    static List<String> kernelLines(String console) {
        Matcher m = LINE.matcher(console.replace("\r", ""));
        List<String> lines = new java.util.ArrayList<>();
        while (m.find()) lines.add(m.group(1));
        return lines;
    }

    static void assertE820AndCommandLine(Outcome o) {
        List<String> lines = kernelLines(o.console());
        List<String> expected = new PcMemoryMap(MEMORY).e820().stream().map(E820Entry::linuxLine).toList();
        List<String> printed = lines.stream().filter(l -> l.startsWith("BIOS-e820:")).toList();
        assertEquals(expected, printed, o.console());
        assertTrue(lines.contains("Command line: " + CMDLINE), o.console());
    }

    /** What a report wants: the last line the kernel printed and why the run ended. */
    static String howFar(Outcome o) {
        List<String> lines = kernelLines(o.console());
        String last = lines.isEmpty() ? "(nothing)" : lines.getLast();
        return String.format("%d ms, %d kernel lines, last: \"%s\", VM %s", o.millis(), lines.size(), last,
                o.exit() == null ? "still running" : o.exit().reason());
    }
}
