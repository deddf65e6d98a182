package dev.panavisor.vmm.cpu;

/**
 * LAPIC local vector table set-up for the PC's virtual-wire mode (Intel MP spec 1.4, 3.6.2.2):
 * LINT0 takes ExtINT from the 8259 PIC, LINT1 takes NMI. Works on the 1 KiB register page
 * KVM_GET_LAPIC returns.
 */
public final class LocalApicSetup {
    private LocalApicSetup() {}

    static final int LVT_LINT0 = 0x350;
    static final int LVT_LINT1 = 0x360;
    static final int DELIVERY_MODE_MASK = 0x700;
    static final int DELIVERY_NMI = 0x400;
    static final int DELIVERY_EXTINT = 0x700;

    /** Sets the delivery modes in place; other LVT bits (the mask bit included) stay as KVM reset them. */
    public static void wireVirtualWire(byte[] registers) {
        setDeliveryMode(registers, LVT_LINT0, DELIVERY_EXTINT);
        setDeliveryMode(registers, LVT_LINT1, DELIVERY_NMI);
    }

    static void setDeliveryMode(byte[] regs, int offset, int mode) {
        int v = u32(regs, offset);
        v = (v & ~DELIVERY_MODE_MASK) | mode;
        for (int i = 0; i < 4; i++) regs[offset + i] = (byte) (v >>> (8 * i));
    }

    static int u32(byte[] regs, int offset) {
        return (regs[offset] & 0xFF) | (regs[offset + 1] & 0xFF) << 8 | (regs[offset + 2] & 0xFF) << 16 | (regs[offset + 3] & 0xFF) << 24;
    }
}
