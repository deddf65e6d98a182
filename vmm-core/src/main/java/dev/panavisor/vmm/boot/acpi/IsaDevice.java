package dev.panavisor.vmm.boot.acpi;

/**
 * A legacy ISA device declared in the DSDT under {@code \_SB}: its PnP ID, one I/O range and one
 * IRQ. A hardware-reduced ACPI guest has no legacy PIC, so Linux maps ISA IRQs to I/O APIC pins
 * only for devices the namespace names; a UART that is not declared cannot get its interrupt.
 *
 * @param name      4-character ACPI name, e.g. "COM1"
 * @param eisaId    _HID, e.g. "PNP0501" (16550-compatible UART)
 * @param uid       _UID
 * @param ioBase    first I/O port
 * @param ioLength  number of I/O ports
 * @param irq       ISA IRQ, 0-15
 */
public record IsaDevice(String name, String eisaId, int uid, int ioBase, int ioLength, int irq) {
    public static final String UART_16550 = "PNP0501";

    public IsaDevice {
        Aml.nameSeg(name);
        Aml.eisaId(eisaId);
        new ResourceTemplate().ioPort(ioBase, ioLength).isaIrq(irq);
    }

    /** {@code Device (NAME) { Name (_HID, EISAID (id)); Name (_UID, uid); Name (_CRS, ResourceTemplate () {IO; IRQNoFlags}) }}. */
    public byte[] aml() {
        return Aml.device(name,
                Aml.name("_HID", Aml.integer(Aml.eisaId(eisaId))),
                Aml.name("_UID", Aml.integer(uid)),
                Aml.name("_CRS", Aml.buffer(new ResourceTemplate().ioPort(ioBase, ioLength).isaIrq(irq).bytes())));
    }
}
