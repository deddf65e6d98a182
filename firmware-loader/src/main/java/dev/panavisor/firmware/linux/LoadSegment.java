package dev.panavisor.firmware.linux;

/**
 * One PT_LOAD program header: {@code fileSize} bytes from {@code fileOffset} go to guest-physical
 * {@code physicalAddress}; the rest up to {@code memorySize} is zero (the kernel's .bss).
 */
public record LoadSegment(long fileOffset, long physicalAddress, long fileSize, long memorySize) {
    public long end() { return physicalAddress + memorySize; }
}
