package dev.panavisor.devices.pci;

/**
 * The PIIX3 PCI-to-ISA bridge at 00:01.0, vendor 8086 device 7000, multi-function so
 * firmware goes on to probe 00:01.3. Its PIRQ route control registers (0x60..0x63,
 * disabled = 0x80 at reset, 82371SB datasheet 2.2.10) and the rest of its set-up
 * registers hold what firmware writes; routing itself is fixed by the in-kernel irqchip.
 */
public final class Piix3IsaBridge extends PciConfigSpace {
    public static final int VENDOR = 0x8086, DEVICE = 0x7000;
    public static final int PIRQRC = 0x60;

    public Piix3IsaBridge() {
        super(VENDOR, DEVICE, 0x00, 0x060100, HEADER_MULTI_FUNCTION);
        initial16(COMMAND, 0x0007);
        initial16(STATUS, 0x0200);
        allowWrites(0x40, 0x60, 0xFF);
        for (int i = 0; i < 4; i++) {
            initial8(PIRQRC + i, 0x80);
            allowWrites(PIRQRC + i, 0x8F);
        }
        allowWrites(0x64, 0x100, 0xFF);
    }
}
