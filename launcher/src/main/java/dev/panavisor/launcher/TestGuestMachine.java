package dev.panavisor.launcher;

import dev.panavisor.devices.console.ConsoleSink;
import dev.panavisor.devices.debug.DebugExitPort;
import dev.panavisor.devices.serial.Uart16550;
import dev.panavisor.kvm.Kvm;
import dev.panavisor.vmm.boot.CpuidTable;
import dev.panavisor.vmm.boot.RealModeEntry;
import dev.panavisor.vmm.bus.InterruptLine;
import dev.panavisor.vmm.vcpu.Vcpu;
import dev.panavisor.vmm.vm.GuestRam;
import dev.panavisor.vmm.vm.Vm;
import dev.panavisor.vmm.vm.VmExit;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * The machine our own test guests run on (see src/main/guest/README.md): RAM from 0,
 * the image at 0x10000, every vCPU in real mode at its start, a polled COM1 and the
 * debug-exit port. No interrupt controller: a HLT parks the vCPU for good.
 */
public final class TestGuestMachine {
    private TestGuestMachine() {}

    public static Vm build(Kvm kvm, byte[] image, int vcpus, long ramBytes, ConsoleSink console) {
        if (ramBytes < GuestBootContract.MIN_RAM_BYTES) {
            throw new IllegalArgumentException("test guests need at least " + (GuestBootContract.MIN_RAM_BYTES >> 20) + " MiB of RAM");
        }
        Vm vm = Vm.builder(kvm).vcpus(vcpus)
                .memory(List.of(new GuestRam.Layout("ram", 0, ramBytes, false)))
                .build();
        try {
            vm.memory().write(GuestBootContract.LOAD_ADDRESS, image);
            vm.pio().register(GuestBootContract.SERIAL_PORT, Uart16550.PORT_COUNT, new Uart16550(console, InterruptLine.NONE), "com1");
            vm.pio().register(GuestBootContract.DEBUG_EXIT_PORT, DebugExitPort.PORT_COUNT,
                    new DebugExitPort(status -> vm.requestExit(new VmExit(VmExit.Reason.POWER_OFF, status, ""))), "debug-exit");
            try (Arena a = Arena.ofConfined()) {
                CpuidTable cpuid = new CpuidTable(kvm, a);
                for (Vcpu v : vm.vcpus()) {
                    cpuid.applyTo(v.fd(), v.id());
                    RealModeEntry.apply(v.fd(), GuestBootContract.ENTRY_CS_SELECTOR, 0);
                }
            }
            return vm;
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
    }
}
