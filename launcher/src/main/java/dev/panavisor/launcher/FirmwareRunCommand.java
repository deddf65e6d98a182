package dev.panavisor.launcher;

import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.devices.console.ConsoleFlusher;
import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.devices.fwcfg.FwCfgFileOption;
import dev.panavisor.devices.console.StreamConsoleSink;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.vmm.vm.VmExit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "run-firmware", mixinStandardHelpOptions = true,
        description = {"Boot unmodified PC firmware (SeaBIOS bios.bin, OVMF) on the i440FX 'pc' machine.",
                "COM1 goes to the terminal unless --serial-log is given."},
        footer = {"", "Examples:",
                "  panavisor run-firmware --firmware /usr/share/seabios/bios.bin --debugcon seabios.log",
                "  cp /usr/share/OVMF/OVMF_VARS_4M.fd my-vars.fd",
                "  panavisor run-firmware --firmware /usr/share/OVMF/OVMF_CODE_4M.fd --vars my-vars.fd --memory 512M",
                "  panavisor run --firmware /usr/share/seabios/bios.bin --kernel bzImage --initrd initramfs.cpio --cmdline console=ttyS0",
                "  panavisor run-firmware --igvm seabios-snp.igvm --platform snp --vmfwupdate --measurement-log m.jsonl"})
final class FirmwareRunCommand implements Callable<Integer> {
    @Option(names = "--firmware", paramLabel = "FILE",
            description = "Firmware image mapped as flash unit 0, ending at 4 GiB (read-only unless --firmware-writable).")
    Path firmware;

    @Option(names = "--igvm", paramLabel = "FILE", description = "Launch the firmware from an IGVM file instead of --firmware.")
    Path igvm;

    @Option(names = "--kernel", paramLabel = "FILE",
            description = "A bzImage the firmware loads through fw-cfg, as QEMU's -kernel (SeaBIOS needs qemu-system-data's linuxboot_dma.bin).")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initial ramdisk for --kernel.")
    Path initrd;

    @Option(names = "--cmdline", paramLabel = "LINE", defaultValue = "console=ttyS0",
            description = "Command line for --kernel (default: ${DEFAULT-VALUE}).")
    String cmdline;

    @Option(names = "--platform", paramLabel = "P", defaultValue = "native",
            description = {"native (default), or snp, sev-es, sev, tdx: 'measured native', the guest runs unisolated while the VMM",
                    "computes the launch digest that platform would report. A SIMULATION of the measurement, not hardware attestation."})
    String platform;

    @Option(names = "--vmfwupdate", description = "Add the firmware-update device (fw-cfg etc/vmlaunchupdate and etc/vmfwupdate/*).")
    boolean vmfwupdate;

    @Option(names = "--fw-cfg-file", paramLabel = "name=opt/...,file=PATH",
            description = "Expose a host file (or string=TEXT) to the guest as a fw-cfg file, like QEMU's -fw_cfg; repeatable.")
    List<String> fwCfgFiles = new ArrayList<>();

    @Option(names = "--measurement-log", paramLabel = "FILE",
            description = "Append one JSON line per launch and per launch-context rebuild: time, platform, image sha256, digest, vCPUs.")
    Path measurementLog;

    @Option(names = "--vars", paramLabel = "FILE",
            description = "Writable flash unit 1 below the firmware (e.g. a copy of OVMF_VARS_4M.fd); changes are saved to it crash-safely.")
    Path vars;

    @Option(names = "--firmware-writable",
            description = "With a unified image (OVMF.fd) and no --vars: let the guest write unit 0 and save its changes to the file.")
    boolean firmwareWritable;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "256M", description = "Guest RAM, e.g. 512M or 2G (default ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "vCPUs (default ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--debugcon", paramLabel = "FILE", description = "Write the firmware's debug console (port 0x402) to FILE.")
    Path debugcon;

    @Option(names = "--serial-log", paramLabel = "FILE", description = "Write COM1 to FILE instead of the terminal.")
    Path serialLog;

    @Option(names = "--max-resets", paramLabel = "N", defaultValue = "" + PcMachine.DEFAULT_MAX_RESETS,
            description = "Stop after the guest reset more than N times (default ${DEFAULT-VALUE}).")
    int maxResets;

    @Option(names = "--reboot-timeout", paramLabel = "MS", defaultValue = "-1",
            description = "After a failed boot SeaBIOS resets the machine after MS milliseconds; -1 (default) never, like QEMU's -boot reboot-timeout.")
    int rebootTimeoutMillis;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the guest after this many seconds (then exit code 124).")
    Double timeoutSeconds;

    @Option(names = "--timeline", description = "Print where start-up time went.")
    boolean timeline;

    private final Timeline marks;

    FirmwareRunCommand(Timeline marks) { this.marks = marks; }

    @Override
    public Integer call() throws IOException {
        if (firmwareWritable && vars != null) throw new IllegalArgumentException("--firmware-writable is for a unified image without --vars");
        if ((firmware == null) == (igvm == null)) throw new IllegalArgumentException("give exactly one of --firmware and --igvm");
        LaunchPlatform launchPlatform = PlatformNames.launchPlatform(platform);
        if (launchPlatform == null) throw new IllegalArgumentException("unknown --platform '" + platform + "' (" + PlatformNames.ALL + ")");
        List<FwCfgFileOption> files = new ArrayList<>();
        for (String f : fwCfgFiles) files.add(FwCfgFileOption.parse(f));
        if (kernel == null && initrd != null) throw new IllegalArgumentException("--initrd needs --kernel");
        for (Path p : new Path[] {kernel, initrd}) {
            if (p != null && !java.nio.file.Files.isReadable(p)) throw new IllegalArgumentException(p + ": no such readable file");
        }
        var linux = kernel == null ? null : new FirmwareLinuxBoot(kernel, initrd, cmdline);
        var launch = new PcMachine.LaunchOptions(igvm, launchPlatform, vmfwupdate, files, measurementLog, linux);
        long ram = parseSize(memory);
        List<OutputStream> opened = new ArrayList<>();
        try {
            StreamConsoleSink serial = serialLog == null ? new StreamConsoleSink(new FileOutputStream(FileDescriptor.out))
                    : new StreamConsoleSink(open(serialLog, opened));
            ConsoleSink debug = debugcon == null ? ConsoleSink.NONE : new StreamConsoleSink(open(debugcon, opened));
            var config = new PcMachine.Config(firmware, vars, firmwareWritable, ram, cpus, serial, debug, maxResets, rebootTimeoutMillis, launch);
            try (ConsoleFlusher prompts = ConsoleFlusher.start(serial, ConsoleFlusher.DEFAULT_DELAY_MS, "console-flush");
                 Kvm kvm = Kvm.open(); PcMachine machine = PcMachine.build(kvm, config)) {
                marks.mark("pc machine built: firmware mapped");
                System.err.printf("panavisor: pc machine, %d vCPU(s), %d MiB, firmware %s%s%s%s%n", cpus, ram >> 20,
                        igvm != null ? igvm + " (IGVM)" : firmware,
                        vars != null ? " + vars " + vars : "", debugcon != null ? "; debug console -> " + debugcon : "",
                        vmfwupdate ? "; vmfwupdate device" : "");
                if (launchPlatform != LaunchPlatform.NATIVE) {
                    System.err.printf("panavisor: platform %s is MEASURED NATIVE: the guest is not isolated; the launch digest is a software"
                            + " simulation of what %s would measure, not hardware attestation%n", platform, platform);
                    System.err.printf("panavisor: launch digest (%s): %s%n", launchPlatform.digestAlgorithm(), machine.lastLaunch().measurement().hex());
                }
                if (measurementLog != null) System.err.println("panavisor: measurement log -> " + measurementLog);
                Thread stopper = null;
                java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
                if (timeoutSeconds != null) {
                    long ms = (long) (timeoutSeconds * 1000);
                    stopper = Thread.ofPlatform().daemon().start(() -> {
                        try {
                            Thread.sleep(ms);
                            timedOut.set(true);
                            machine.vm().requestExit(new VmExit(VmExit.Reason.HOST_STOP, 0, "--timeout reached"));
                        } catch (InterruptedException ignored) {
                            // the guest stopped first
                        }
                    });
                }
                machine.vm().start();
                KvmPrelink.guestStarted();
                marks.mark("vCPUs started");
                VmExit exit = machine.vm().runUntilExit();
                if (stopper != null) stopper.interrupt();
                serial.flush();
                debug.flush();
                marks.mark("guest stopped: " + exit.reason());
                // A timeout is not a clean power-off: scripts must be able to tell the two apart.
                int code = exit.reason() == VmExit.Reason.HOST_STOP && timedOut.get() ? ExitCodes.TIMEOUT : ExitCodes.of(exit);
                System.err.println("panavisor: guest " + DemoCommand.describe(exit) + " after " + machine.guestResets()
                        + " guest reset(s); exit code " + code + (exit.detail().isEmpty() ? "" : "\n" + exit.detail()));
                if (timeline) marks.print(System.err);
                String emulated = machine.vm().emulationStats().describe();
                if (!emulated.isEmpty()) System.err.println("panavisor: instruction fallback: " + emulated);
                if (machine.isUefi()) {
                    machine.noteWhereTheFirmwareStopped();
                    System.err.print("panavisor: UEFI phases reached (ms since process start):\n"
                            + machine.progress().describe(marks.processStartEpochMillis()));
                }
                if (exit.reason() == VmExit.Reason.HOST_STOP && Boolean.getBoolean("panavisor.dumpOnStop")) {
                    for (var v : machine.vm().vcpus()) System.err.println(dev.panavisor.vmm.vcpu.VcpuState.dump(v.fd()));
                }
                return code;
            }
        } finally {
            for (OutputStream o : opened) o.close();
        }
    }

    private static OutputStream open(Path p, List<OutputStream> opened) throws IOException {
        OutputStream o = Files.newOutputStream(p);
        opened.add(o);
        return o;
    }

    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) unit = 1L << 10;
        else if (t.endsWith("M")) unit = 1L << 20;
        else if (t.endsWith("G")) unit = 1L << 30;
        if (unit != 1) t = t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(t);
            if (v <= 0 || v > (1L << 50) / unit) throw new NumberFormatException();
            return v * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a memory size: '" + s + "' (use e.g. 512M or 2G)");
        }
    }
}
