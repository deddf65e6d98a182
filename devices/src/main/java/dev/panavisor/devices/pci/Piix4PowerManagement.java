package dev.panavisor.devices.pci;

import java.util.Objects;

/**
 * The PIIX4 power-management function at 00:01.3, vendor 8086 device 7113 (82371AB
 * datasheet, section 3.4). Firmware programs the 64-byte PM I/O block's base into PMBA
 * (0x40; bits 15:6, bit 0 reads 1 for I/O space) and enables it with PMIOSE (PMREGMISC
 * 0x80 bit 0); the machine is told each time the decoded block moves or switches, and
 * places the ACPI PM registers there. The SMBus base (0x90) and host configuration (0xD2)
 * hold values but no SMBus controller answers.
 */
public final class Piix4PowerManagement extends PciConfigSpace {
    public static final int VENDOR = 0x8086, DEVICE = 0x7113;
    public static final int PMBA = 0x40, PMREGMISC = 0x80, SMBBA = 0x90, SMBHSTCFG = 0xD2;
    public static final int PM_IO_BYTES = 64;

    /** Where the PM I/O block decodes now: {@code base} is meaningful only when {@code enabled}. */
    @FunctionalInterface
    public interface PmIoDecoder {
        void decode(int base, boolean enabled);
    }

    private final PmIoDecoder decoder;
    private int decodedBase = -1;
    private boolean decodedEnabled;

    public Piix4PowerManagement(PmIoDecoder decoder) {
        super(VENDOR, DEVICE, 0x03, 0x068000, 0x00);
        this.decoder = Objects.requireNonNull(decoder);
        initial16(STATUS, 0x0280);
        initial8(INTERRUPT_PIN, 0x01); // INTA#, the SCI
        initial32(PMBA, 0x00000001);
        allowWrites(PMBA, 0xC0);
        allowWrites(PMBA + 1, 0xFF);
        allowWrites(0x44, 0x80, 0xFF);  // device activity, resource enables, GPI routing
        allowWrites(PMREGMISC, 0x01);
        initial32(SMBBA, 0x00000001);
        allowWrites(SMBBA, 0xF0);
        allowWrites(SMBBA + 1, 0xFF);
        allowWrites(SMBHSTCFG, 0x0F);
    }

    /** The PM I/O base as programmed (PMBA bits 15:6). */
    public synchronized int pmBase() { return config16(PMBA) & 0xFFC0; }

    public synchronized boolean pmIoEnabled() { return (config8(PMREGMISC) & 1) != 0; }

    @Override
    protected void written(int offset, int size) {
        if (!touches(offset, size, PMBA, 4) && !touches(offset, size, PMREGMISC, 1)) return;
        int base;
        boolean enabled;
        synchronized (this) {
            base = pmBase();
            enabled = pmIoEnabled();
            if (base == decodedBase && enabled == decodedEnabled) return;
            decodedBase = base;
            decodedEnabled = enabled;
        }
        decoder.decode(base, enabled);
    }
}
