package dev.panavisor.devices.pci;

/**
 * The Intel 82441FX PMC (i440FX host bridge) at 00:00.0, vendor 8086 device 1237, as
 * SeaBIOS and OVMF identify the PC machine by. The PAM registers (0x59..0x5F) and SMRAM
 * control (0x72) hold what the guest writes; the machine keeps 0xC0000..0xFFFFF as RAM
 * with the BIOS copied in at reset, so PAM settings change no mapping here (documented in
 * docs/platform.md).
 */
public final class I440fxHostBridge extends PciConfigSpace {
    public static final int VENDOR = 0x8086, DEVICE = 0x1237;
    public static final int PAM0 = 0x59, SMRAM = 0x72;

    public I440fxHostBridge() {
        super(VENDOR, DEVICE, 0x02, 0x060000, 0x00);
        initial16(COMMAND, 0x0006);
        initial16(STATUS, 0x0280);
        allowWrites(0x50, 0x58, 0xFF);       // PMCCFG, DETURBO, DBC, AXC, DRAMR, DRAMC, DRAMT
        allowWrites(PAM0, PAM0 + 7, 0x33);   // PAM0..6: read/write enables for each half
        allowWrites(0x60, 0x68, 0xFF);       // DRB0..7
        initial8(SMRAM, 0x02);
        allowWrites(SMRAM, 0x78);            // D_OPEN, D_CLS, D_LCK, G_SMRAME; C_BASE_SEG fixed at 010b
    }
}
