package dev.panavisor.firmware.ovmf;

/**
 * One range of the OVMF SEV metadata. {@code gpa} and {@code size} are 32-bit in the metadata:
 * these ranges are always low memory below 4 GiB.
 */
public record OvmfSevSection(long gpa, long size, OvmfSevSectionType type) {
    public OvmfSevSection {
        if (type == null) throw new NullPointerException("type");
    }

    public long endGpa() {
        return gpa + size;
    }

    @Override
    public String toString() {
        return String.format("%s[0x%x, +0x%x)", type, gpa, size);
    }
}
