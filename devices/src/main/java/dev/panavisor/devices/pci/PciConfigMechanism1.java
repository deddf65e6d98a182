package dev.panavisor.devices.pci;

import dev.panavisor.vmm.bus.BusDevice;

import java.util.Objects;

/**
 * PCI configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2): the
 * CONFIG_ADDRESS dword at 0xCF8 (bit 31 enable, bus 23:16, device 15:11, function 10:8,
 * register 7:2) and the CONFIG_DATA window at 0xCFC..0xCFF, where a byte or word access
 * at 0xCFC + n reaches register + n. Only bus 0 exists; absent functions read all ones
 * and ignore writes, which is how firmware finds out nothing is there.
 *
 * <p>CONFIG_ADDRESS decodes only dword accesses (3.2.2.3.2): byte writes at 0xCF8 are
 * dropped, and 0xCF9 belongs to the chipset's reset control register.
 */
public final class PciConfigMechanism1 {
    public static final int ADDRESS_PORT = 0xCF8;
    public static final int DATA_PORT = 0xCFC;
    public static final int DATA_PORT_COUNT = 4;

    private final PciFunction[] functions = new PciFunction[32 * 8];
    private volatile int address;

    /** Places {@code f} at 00:{@code device}.{@code function}. */
    public synchronized void attach(int device, int function, PciFunction f) {
        if (device < 0 || device > 31 || function < 0 || function > 7) throw new IllegalArgumentException("no PCI slot " + device + "." + function);
        int i = device * 8 + function;
        if (functions[i] != null) throw new IllegalArgumentException("PCI slot 00:" + device + "." + function + " is taken");
        functions[i] = Objects.requireNonNull(f);
    }

    public void reset() {
        address = 0;
        for (PciFunction f : functions) if (f != null) f.reset();
    }

    /** The device to register at 0xCF8 (one port, so 0xCF9 stays free for reset control). */
    public BusDevice addressPort() {
        return new BusDevice() {
            @Override public long read(long offset, int size) {
                return size == 4 ? Integer.toUnsignedLong(address) : (size >= 8 ? -1L : (1L << (size * 8)) - 1);
            }
            @Override public void write(long offset, int size, long value) {
                if (size == 4) address = (int) value;
            }
        };
    }

    /** The device to register at 0xCFC for {@link #DATA_PORT_COUNT} ports. */
    public BusDevice dataPort() {
        return new BusDevice() {
            @Override public long read(long offset, int size) { return readData((int) offset, size); }
            @Override public void write(long offset, int size, long value) { writeData((int) offset, size, (int) value); }
        };
    }

    private PciFunction selected(int a) {
        if (a >= 0) return null;             // enable bit clear
        if (((a >>> 16) & 0xFF) != 0) return null; // only bus 0
        return functions[(a >>> 8) & 0xFF];
    }

    private long readData(int byteInWindow, int size) {
        int a = address;
        PciFunction f = selected(a);
        int n = clampSize(byteInWindow, size);
        long ones = size >= 8 ? -1L : (1L << (size * 8)) - 1;
        if (f == null || n == 0) return ones;
        int value = f.readConfig((a & 0xFC) + byteInWindow, n);
        return n == 4 ? Integer.toUnsignedLong(value) : (value & ((1L << (n * 8)) - 1)) | (ones & ~((1L << (n * 8)) - 1));
    }

    private void writeData(int byteInWindow, int size, int value) {
        int a = address;
        PciFunction f = selected(a);
        int n = clampSize(byteInWindow, size);
        if (f == null || n == 0) return;
        f.writeConfig((a & 0xFC) + byteInWindow, n, value);
    }

    /** Bytes of the access that fall inside the dword window. */
    private static int clampSize(int byteInWindow, int size) {
        if (byteInWindow < 0 || byteInWindow > 3) return 0;
        return Math.min(size, 4 - byteInWindow);
    }
}
