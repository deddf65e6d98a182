package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleFlusher;
import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.devices.console.StreamConsoleSink;
import dev.panavisor.devices.console.TeeConsoleSink;
import dev.panavisor.devices.serial.UartInputPump;
import dev.panavisor.firmware.linux.KernelImage;
import dev.panavisor.firmware.linux.LinuxImageFormatException;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.vmm.cpu.CpuTemplate;
import dev.panavisor.vmm.cpu.CpuTemplates;
import dev.panavisor.vmm.vm.VmExit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code panavisor run}: boots a Linux kernel on the microvm machine. */
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    /** Built, not annotated: this command is on every microVM's start-up path (see {@link CommandSpecs}). */
    static CommandSpec commandSpec(Timeline marks) {
        RunCommand command = new RunCommand(marks);
        CommandSpec spec = CommandSpecs.command("run", command, null);
        command.spec = spec;
        spec.usageMessage().description("Boot a Linux kernel on the microvm machine: a bzImage through the 64-bit boot protocol, or an ELF "
                + "vmlinux through its PVH entry. The guest's COM1 (ttyS0) is this terminal: output on stdout, stdin as input. "
                + "The kernel and initrd are mapped into guest memory copy-on-write, not copied: do not rewrite those files in place "
                + "(cp onto them) while the guest runs; replacing them (mv, install, package upgrades) is fine.");
        spec.usageMessage().footer("", "Exit status: 0 guest powered off, 2 nothing ran (bad option, missing file, no KVM), 3 guest reset "
                + "(reboot; microvm has no firmware to reboot into), 5 triple fault, 6 internal error (both with a register "
                + "dump on stderr), 130 stopped with Ctrl-C.",
                "", "Examples:",
                "  panavisor run --kernel /boot/vmlinuz-6.1.0-56-cloud-amd64 --cmdline 'console=ttyS0 earlyprintk=ttyS0'",
                "  panavisor run --kernel vmlinux --initrd initramfs.cpio --memory 1G --cpus 2 --timeline",
                "  panavisor run --kernel bzImage --cpu-template pinned-skylake --serial-log boot.log");
        for (OptionSpec option : command.options()) spec.addOption(option);
        return spec;
    }

    // call() reads the parsed values straight from these specs; nothing copies them into fields.
    private final OptionSpec kernel = CommandSpecs.requiredOption("--kernel", Path.class, "FILE", "bzImage, or ELF vmlinux with a PVH note");
    private final OptionSpec initrd = CommandSpecs.option("--initrd", Path.class, "FILE", null, "initial ramdisk (e.g. a cpio archive)");
    private final OptionSpec cmdline = CommandSpecs.option("--cmdline", String.class, "LINE", "console=ttyS0", "kernel command line (default: ${DEFAULT-VALUE})");
    private final OptionSpec memory = CommandSpecs.option("--memory", String.class, "SIZE", "512M", "guest RAM, with K/M/G suffix (default: ${DEFAULT-VALUE})");
    private final OptionSpec cpus = CommandSpecs.option("--cpus", int.class, "N", "1", "vCPUs (default: ${DEFAULT-VALUE})");
    private final OptionSpec cpuTemplate = CommandSpecs.option("--cpu-template", String.class, "NAME", "host-safe",
            "CPUID/MSR profile: none, host-safe, pinned-skylake (default: ${DEFAULT-VALUE})");
    private final OptionSpec noAcpi = CommandSpecs.flag("--no-acpi", "no ACPI tables: the guest finds its vCPUs through the MP table and cannot power off "
            + "(ACPI kernels then end by reset)");
    private final OptionSpec serialLog = CommandSpecs.option("--serial-log", Path.class, "FILE", null, "also write the guest's console output to FILE");
    private final OptionSpec timeline = CommandSpecs.flag("--timeline", "print where start-up time went (on stderr)");

    private CommandSpec spec;
    private final Timeline marks;

    private RunCommand(Timeline marks) { this.marks = marks; }

    /** In the order {@code --help} lists them. */
    private OptionSpec[] options() {
        return new OptionSpec[] {kernel, initrd, cmdline, memory, cpus, cpuTemplate, noAcpi, serialLog, timeline};
    }

    @Override
    public Integer call() throws IOException {
        marks.mark("options parsed");
        long memoryBytes = parseMemory(memory.getValue());
        int cpus = this.cpus.<Integer>getValue();
        if (cpus < 1 || cpus > 254) throw new ParameterException(spec.commandLine(), "--cpus must be 1..254, not " + cpus);
        Path kernel = this.kernel.getValue();
        Path initrd = this.initrd.getValue();
        CpuTemplate template;
        try {
            template = CpuTemplates.named(cpuTemplate.getValue());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (BootFile kernelFile = BootFile.open(kernel, "--kernel");
             BootFile initrdFile = initrd == null ? null : BootFile.open(initrd, "--initrd")) {
            KernelImage image;
            try {
                image = KernelImage.parse(kernelFile.contents());
            } catch (LinuxImageFormatException e) {
                throw new IllegalArgumentException(kernel + ": " + e.getMessage());
            }
            marks.mark("kernel read and parsed");
            return boot(new MicroVmMachine.Config(image, kernelFile, initrdFile, cmdline.getValue(), memoryBytes, cpus, template));
        }
    }

    private int boot(MicroVmMachine.Config config) throws IOException {
        PrintStream err = System.err;
        Path serialLog = this.serialLog.getValue();
        StreamConsoleSink terminal = new StreamConsoleSink(new FileOutputStream(FileDescriptor.out));
        OutputStream logFile = serialLog == null ? null : openLog(serialLog);
        ConsoleSink console = logFile == null ? terminal : new TeeConsoleSink(terminal, new StreamConsoleSink(logFile, 4096));
        try (logFile; ConsoleFlusher prompts = ConsoleFlusher.start(terminal, ConsoleFlusher.DEFAULT_DELAY_MS, "console-flush");
             MicroVmMachine.Prepared prepared = MicroVmMachine.prepare(config, marks); Kvm kvm = Kvm.open();
             MicroVm micro = MicroVmMachine.build(kvm, config, prepared,
                     console, isSet(noAcpi) ? AcpiTableHook.NONE : HardwareReducedAcpi.INSTANCE, marks)) {
            new UartInputPump(System.in, micro.console()).start("serial-input");
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = Thread.ofPlatform().unstarted(() -> {
                // Ctrl-C: stop the guest, let the main thread flush and close, then the JVM exits with 130.
                micro.vm().requestExit(VmExit.of(VmExit.Reason.HOST_STOP));
                try { finished.await(5, TimeUnit.SECONDS); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            micro.vm().vcpus().getFirst().runOnThread(() -> {
                marks.mark("first vCPU entry");
                KvmPrelink.guestStarted();
            });
            micro.vm().start();
            VmExit exit = micro.vm().runUntilExit();
            console.flush();
            marks.mark("guest stopped: " + DemoCommand.describe(exit));
            int code = ExitCodes.of(exit);
            err.println("panavisor: guest " + DemoCommand.describe(exit) + "; exit code " + code
                    + (serialLog != null ? "; console log in " + serialLog : ""));
            if (!exit.detail().isEmpty()) err.println(exit.detail());
            if (isSet(timeline)) {
                marks.print(err);
                var emulated = micro.vm().emulationStats();
                err.println("instruction fallback: " + (emulated.total() > 0 ? emulated.describe() : "nothing emulated"));
            }
            finished.countDown();
            try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException shuttingDown) { /* hook already running */ }
            return code;
        }
    }

    /** A flag's value: picocli leaves an unbound flag null when it is not given. */
    private static boolean isSet(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }

    private long parseMemory(String memory) {
        long bytes;
        try {
            bytes = Sizes.parse(memory);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--memory: " + e.getMessage());
        }
        if (bytes < (32L << 20)) throw new ParameterException(spec.commandLine(), "--memory must be at least 32M for a Linux guest");
        if ((bytes & ((2L << 20) - 1)) != 0) throw new ParameterException(spec.commandLine(), "--memory must be a multiple of 2M");
        if (bytes > (1L << 40)) throw new ParameterException(spec.commandLine(), "--memory above 1T is not supported");
        return bytes;
    }

    private static OutputStream openLog(Path p) {
        try {
            return Files.newOutputStream(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("--serial-log " + p + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
