package dev.panavisor.launcher;

import dev.panavisor.devices.serial.Uart16550;
import dev.panavisor.kvm.Irqfd;
import dev.panavisor.vmm.vm.Vm;

import java.util.List;

/** A built microvm: the VM, its console UART (for input) and what must be closed with it. */
record MicroVm(Vm vm, Uart16550 console, List<Irqfd> irqfds, LinuxLoader.Loaded loaded) implements AutoCloseable {
    @Override
    public void close() {
        RuntimeException first = null;
        try { vm.close(); } catch (RuntimeException e) { first = e; }
        for (Irqfd f : irqfds) {
            try { f.close(); } catch (RuntimeException e) { if (first == null) first = e; }
        }
        if (first != null) throw first;
    }
}
