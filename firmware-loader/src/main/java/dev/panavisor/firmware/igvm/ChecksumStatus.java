package dev.panavisor.firmware.igvm;

/** The checksum stored in a file next to the one computed from its headers. */
public record ChecksumStatus(int stored, int computed) {
    public boolean valid() {
        return stored == computed;
    }
}
