package dev.panavisor.vmm.boot.acpi;

import java.util.Objects;

/**
 * ACPI §5.2.9 Fixed ACPI Description Table (signature "FACP"), revision 6.5, for a
 * hardware-reduced platform (§4.1): no PM1/GPE blocks, no SCI, no FACS; sleep (S5, power-off)
 * through the SLEEP_CONTROL_REG/SLEEP_STATUS_REG pair (§4.8.3.7, §4.8.3.8) and, optionally,
 * reset through RESET_REG (§4.8.3.6).
 *
 * @param dsdtAddress    where the DSDT is; stored in X_DSDT (the 32-bit DSDT field stays 0, as
 *                       Table 5.9 requires when X_DSDT is used)
 * @param sleepControl   the sleep control register
 * @param sleepStatus    the sleep status register
 * @param resetRegister  the reset register, or {@link GenericAddress#NONE}
 * @param resetValue     the value OSPM writes to reset the machine
 * @param i8042Present   whether the IA-PC boot flags announce an 8042 (§5.2.9.3)
 * @param cmosRtcPresent whether a CMOS RTC exists; if not, the "CMOS RTC Not Present" flag is set
 */
public record Fadt(long dsdtAddress, GenericAddress sleepControl, GenericAddress sleepStatus,
                   GenericAddress resetRegister, int resetValue, boolean i8042Present, boolean cmosRtcPresent) {
    public static final String SIGNATURE = "FACP";
    public static final int SIZE = 276;
    /** FADT Major Version (the header revision) and Minor Version (offset 131) of ACPI 6.5. */
    public static final int MAJOR_VERSION = 6;
    public static final int MINOR_VERSION = 5;

    // Table 5.9 offsets.
    static final int FIRMWARE_CTRL = 36;
    static final int DSDT = 40;
    static final int SCI_INT = 46;
    static final int IAPC_BOOT_ARCH = 109;
    static final int FLAGS = 112;
    static final int RESET_REG = 116;
    static final int RESET_VALUE = 128;
    static final int MINOR_VERSION_OFFSET = 131;
    static final int X_FIRMWARE_CTRL = 132;
    static final int X_DSDT = 140;
    static final int SLEEP_CONTROL_REG = 244;
    static final int SLEEP_STATUS_REG = 256;
    static final int HYPERVISOR_VENDOR_IDENTITY = 268;

    // Table 5.10 fixed feature flags.
    static final int FLAG_PWR_BUTTON = 1 << 4;
    static final int FLAG_SLP_BUTTON = 1 << 5;
    static final int FLAG_RESET_REG_SUP = 1 << 10;
    static final int FLAG_HEADLESS = 1 << 12;
    static final int FLAG_HW_REDUCED_ACPI = 1 << 20;

    // §5.2.9.3 IA-PC boot architecture flags.
    static final int BOOT_ARCH_8042 = 1 << 1;
    static final int BOOT_ARCH_VGA_NOT_PRESENT = 1 << 2;
    static final int BOOT_ARCH_CMOS_RTC_NOT_PRESENT = 1 << 5;

    public Fadt {
        Objects.requireNonNull(sleepControl, "sleepControl");
        Objects.requireNonNull(sleepStatus, "sleepStatus");
        Objects.requireNonNull(resetRegister, "resetRegister");
        if (sleepControl.isNone() || sleepStatus.isNone()) {
            throw new IllegalArgumentException("a hardware-reduced FADT needs both sleep registers to power off");
        }
        if (resetValue < 0 || resetValue > 0xFF) throw new IllegalArgumentException("reset value is one byte: " + resetValue);
    }

    public byte[] encode(OemIdentity oem) {
        // The power and sleep buttons are not fixed-feature hardware here (there is none):
        // the flags say so, so OSPM does not look for PM1 button events.
        int flags = FLAG_HW_REDUCED_ACPI | FLAG_PWR_BUTTON | FLAG_SLP_BUTTON | FLAG_HEADLESS;
        if (!resetRegister.isNone()) flags |= FLAG_RESET_REG_SUP;
        int bootArch = BOOT_ARCH_VGA_NOT_PRESENT;
        if (i8042Present) bootArch |= BOOT_ARCH_8042;
        if (!cmosRtcPresent) bootArch |= BOOT_ARCH_CMOS_RTC_NOT_PRESENT;
        TableBuffer t = SystemDescriptionTable.start(SIGNATURE, SIZE, MAJOR_VERSION, oem)
                .u32(FIRMWARE_CTRL, 0)
                .u32(DSDT, 0)
                .u16(SCI_INT, 0)
                .u16(IAPC_BOOT_ARCH, bootArch)
                .u32(FLAGS, flags)
                .address(RESET_REG, resetRegister)
                .u8(RESET_VALUE, resetValue)
                .u8(MINOR_VERSION_OFFSET, MINOR_VERSION)
                .u64(X_FIRMWARE_CTRL, 0)
                .u64(X_DSDT, dsdtAddress)
                .address(SLEEP_CONTROL_REG, sleepControl)
                .address(SLEEP_STATUS_REG, sleepStatus)
                .u64(HYPERVISOR_VENDOR_IDENTITY, 0);
        return SystemDescriptionTable.finish(t);
    }
}
