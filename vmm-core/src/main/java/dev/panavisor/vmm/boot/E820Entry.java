package dev.panavisor.vmm.boot;

/** One range of the guest's physical address map. */
public record E820Entry(long address, long size, E820Type type) {
    public E820Entry {
        if (size <= 0) throw new IllegalArgumentException("empty e820 range at 0x" + Long.toHexString(address));
    }

    public long end() { return address + size; }

    /** The line Linux prints for this range: "BIOS-e820: [mem 0x...-0x...] usable". */
    public String linuxLine() {
        return String.format("BIOS-e820: [mem 0x%016x-0x%016x] %s", address, end() - 1, type.linuxName());
    }
}
