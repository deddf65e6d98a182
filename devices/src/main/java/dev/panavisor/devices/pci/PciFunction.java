package dev.panavisor.devices.pci;

/**
 * One PCI function's 256-byte configuration space as the host bridge reaches it. Offsets
 * are within the space; accesses never cross a dword (the configuration mechanism splits
 * them), and must not throw for guest mistakes.
 */
public interface PciFunction {
    int readConfig(int offset, int size);

    void writeConfig(int offset, int size, int value);

    /** Back to power-on values (platform reset). */
    void reset();
}
