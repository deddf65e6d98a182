package dev.panavisor.vmm.boot.acpi;

import java.io.ByteArrayOutputStream;

/**
 * A resource template (ACPI 6.5 §6.4, "Resource Data Types for ACPI") with the small
 * descriptors a legacy ISA device needs: a 16-bit decoded I/O range and an edge-triggered,
 * active-high ISA IRQ, closed by the end tag. The bytes go into a {@code _CRS} buffer.
 */
public final class ResourceTemplate {
    /** Small item headers: bits 6-3 item name, bits 2-0 length of what follows. */
    static final int IRQ_NO_FLAGS = 0x22;      // §6.4.2.1, name 0x4, length 2
    static final int IO_PORT = 0x47;           // §6.4.2.5, name 0x8, length 7
    static final int END_TAG = 0x79;           // §6.4.2.9, name 0xF, length 1
    static final int IO_DECODE_16 = 0x01;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** I/O port descriptor for a fixed range: minimum = maximum base, alignment 1. */
    public ResourceTemplate ioPort(int base, int length) {
        if (base < 0 || base > 0xFFFF) throw new IllegalArgumentException("I/O base out of range: " + base);
        if (length < 1 || length > 0xFF) throw new IllegalArgumentException("I/O range length is 1-255: " + length);
        out.write(IO_PORT);
        out.write(IO_DECODE_16);
        out.write(base);
        out.write(base >>> 8);
        out.write(base);
        out.write(base >>> 8);
        out.write(1);
        out.write(length);
        return this;
    }

    /** IRQ descriptor without the flags byte: edge-triggered, active high, not shared (ISA semantics). */
    public ResourceTemplate isaIrq(int irq) {
        if (irq < 0 || irq > 15) throw new IllegalArgumentException("ISA IRQ is 0-15: " + irq);
        int mask = 1 << irq;
        out.write(IRQ_NO_FLAGS);
        out.write(mask);
        out.write(mask >>> 8);
        return this;
    }

    /** The template closed by the end tag; checksum byte 0 means "treat as correct" (§6.4.2.9). */
    public byte[] bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(out.toByteArray());
        all.write(END_TAG);
        all.write(0);
        return all.toByteArray();
    }
}
