package dev.panavisor.launcher;

import dev.panavisor.devices.console.StreamConsoleSink;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.vmm.vm.Vm;
import dev.panavisor.vmm.vm.VmExit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Boot Panavisor's built-in demo guest: real mode -> 64-bit long mode, a banner on COM1, power off.",
        footer = {"", "Examples:", "  panavisor demo", "  panavisor demo --timeline"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--timeline", description = "Print where start-up time went.")
    boolean timeline;

    private final Timeline marks;

    DemoCommand(Timeline marks) { this.marks = marks; }

    @Override
    public Integer call() {
        byte[] image = GuestImages.load(GuestImages.DEMO);
        StreamConsoleSink console = new StreamConsoleSink(new FileOutputStream(FileDescriptor.out));
        System.out.println("panavisor: booting the demo guest (1 vCPU, 2 MiB) on KVM; its COM1 output follows");
        try (Kvm kvm = Kvm.open(); Vm vm = TestGuestMachine.build(kvm, image, 1, 2L << 20, console)) {
            marks.mark("VM created, memory mapped, image loaded");
            vm.start();
            KvmPrelink.guestStarted();
            marks.mark("vCPU started");
            VmExit exit = vm.runUntilExit();
            console.flush();
            marks.mark("guest stopped: " + exit.reason());
            int code = ExitCodes.of(exit);
            System.out.println("panavisor: guest " + describe(exit) + " after " + vm.vcpus().getFirst().exits() + " VM exits; exit code " + code);
            if (!exit.detail().isEmpty()) System.out.println(exit.detail());
            if (timeline) marks.print(System.out);
            return code;
        }
    }

    static String describe(VmExit exit) {
        return switch (exit.reason()) {
            case POWER_OFF -> "powered off";
            case RESET -> "reset";
            case ALL_VCPUS_HALTED -> "halted";
            case TRIPLE_FAULT -> "triple-faulted";
            case INTERNAL_ERROR -> "stopped on an internal error";
            case HOST_STOP -> "was stopped by the host";
        };
    }
}
