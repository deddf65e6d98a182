package dev.panavisor.firmware.ovmf;

/**
 * The guest area where an SEV guest owner's launch secret is injected (OVMF's "SEV secret
 * block"). Zero base and size mean the build reserved none.
 */
public record SevSecretBlock(long base, long size) {
    static SevSecretBlock read(OvmfTableEntry entry) {
        return new SevSecretBlock(entry.u32(0, "SEV secret base"), entry.u32(4, "SEV secret size"));
    }

    public boolean isReserved() {
        return base != 0 && size != 0;
    }
}
