package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Irqfd;
import dev.panavisor.vmm.bus.InterruptLine;

/**
 * An ISA interrupt line into the in-kernel irqchip through an irqfd. ISA interrupts are edge
 * triggered on the PIC and (per the MP table) on the I/O APIC, so only a rising edge of the
 * device's output means anything: it becomes one eventfd write, no allocation, no lock.
 */
public final class IrqfdLine implements InterruptLine {
    private final Irqfd irqfd;

    public IrqfdLine(Irqfd irqfd) {
        this.irqfd = irqfd;
    }

    @Override
    public void set(boolean asserted) {
        if (asserted) irqfd.trigger();
    }

    @Override
    public void pulse() {
        irqfd.trigger();
    }
}
