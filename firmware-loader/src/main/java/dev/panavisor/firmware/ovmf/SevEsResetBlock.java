package dev.panavisor.firmware.ovmf;

/**
 * Where an SEV-ES/SNP application processor starts (OVMF's "SEV-ES reset block", the AP part of
 * the SEV info the hypervisor needs). Under SEV-ES the hypervisor cannot rewrite an AP's
 * registers after launch, so each AP's VMSA must already point at OVMF's AP parking code.
 *
 * @param apResetAddress the 32-bit value from the table: CS base in bits 31:16, IP in bits 15:0
 */
public record SevEsResetBlock(long apResetAddress) {
    public SevEsResetBlock {
        if (apResetAddress < 0 || apResetAddress > 0xffff_ffffL) {
            throw new IllegalArgumentException("AP reset address must be 32 bits: 0x" + Long.toHexString(apResetAddress));
        }
    }

    static SevEsResetBlock read(OvmfTableEntry entry) {
        return new SevEsResetBlock(entry.u32(0, "SEV-ES AP reset address"));
    }

    /** The AP's CS segment base: the high 16 bits, shifted back into place. */
    public long csBase() {
        return apResetAddress & 0xffff_0000L;
    }

    /** The AP's initial IP within that segment. */
    public int ip() {
        return (int) (apResetAddress & 0xffff);
    }
}
