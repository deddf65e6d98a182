package dev.panavisor.vmm.bus;

/**
 * One interrupt input of the platform's interrupt controller, as a device sees it.
 * Devices model their output pin; the VMM core decides how that reaches the guest
 * (KVM_IRQ_LINE on the in-kernel irqchip, or nothing in tests).
 */
public interface InterruptLine {
    /** Drives the line to {@code asserted}; level-triggered sources call this on every change. */
    void set(boolean asserted);

    /** An edge: assert then deassert, for edge-triggered sources. */
    default void pulse() {
        set(true);
        set(false);
    }

    /** A line connected to nothing, for devices used without an interrupt controller. */
    InterruptLine NONE = asserted -> { };
}
