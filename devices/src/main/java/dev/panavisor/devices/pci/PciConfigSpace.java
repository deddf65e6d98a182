package dev.panavisor.devices.pci;

/**
 * A type-0 configuration header kept as bytes, with a per-byte mask of the bits the guest
 * may change (PCI Local Bus Specification 3.0, 6.1: read-only fields ignore writes) and a
 * per-byte mask of write-one-to-clear bits (the status register's error bits, 6.2.3).
 * Subclasses set their identity in the constructor and react to writes in {@link #written}.
 */
public abstract class PciConfigSpace implements PciFunction {
    public static final int VENDOR_ID = 0x00, DEVICE_ID = 0x02, COMMAND = 0x04, STATUS = 0x06, REVISION = 0x08,
            PROG_IF = 0x09, SUBCLASS = 0x0A, CLASS = 0x0B, HEADER_TYPE = 0x0E, SUBSYSTEM_VENDOR = 0x2C,
            SUBSYSTEM_ID = 0x2E, INTERRUPT_LINE = 0x3C, INTERRUPT_PIN = 0x3D;
    public static final int HEADER_MULTI_FUNCTION = 0x80;

    private final byte[] initial = new byte[256];
    private final byte[] writable = new byte[256];
    private final byte[] clearOnOne = new byte[256];
    private final byte[] config = new byte[256];

    protected PciConfigSpace(int vendor, int device, int revision, int classCode, int headerType) {
        set16(initial, VENDOR_ID, vendor);
        set16(initial, DEVICE_ID, device);
        initial[REVISION] = (byte) revision;
        initial[PROG_IF] = (byte) classCode;
        initial[SUBCLASS] = (byte) (classCode >> 8);
        initial[CLASS] = (byte) (classCode >> 16);
        initial[HEADER_TYPE] = (byte) headerType;
        // Bus master, memory and I/O space enables, SERR#, parity error response: writable on every function.
        writable[COMMAND] = 0x47;
        writable[COMMAND + 1] = 0x01;
        // Status: the error bits are write-one-to-clear.
        clearOnOne[STATUS + 1] = (byte) 0xF9;
        writable[INTERRUPT_LINE] = (byte) 0xFF;
        System.arraycopy(initial, 0, config, 0, 256);
    }

    /** Sets a power-on value; the guest's writes to it then follow {@link #allowWrites}. */
    protected final void initial8(int offset, int value) { initial[offset] = (byte) value; config[offset] = (byte) value; }
    protected final void initial16(int offset, int value) { initial8(offset, value); initial8(offset + 1, value >> 8); }
    protected final void initial32(int offset, int value) { initial16(offset, value); initial16(offset + 2, value >>> 16); }

    /** Lets the guest change the bits of {@code mask} in the byte at {@code offset}. */
    protected final void allowWrites(int offset, int mask) { writable[offset] = (byte) mask; }

    /** Lets the guest change every bit of [from, to). */
    protected final void allowWrites(int from, int to, int mask) {
        for (int i = from; i < to; i++) writable[i] = (byte) mask;
    }

    protected final int config8(int offset) { return config[offset] & 0xFF; }
    protected final int config16(int offset) { return config8(offset) | config8(offset + 1) << 8; }
    protected final int config32(int offset) { return config16(offset) | config16(offset + 2) << 16; }

    @Override
    public synchronized int readConfig(int offset, int size) {
        int v = 0;
        for (int i = size - 1; i >= 0; i--) v = v << 8 | config8((offset + i) & 0xFF);
        return v;
    }

    @Override
    public final void writeConfig(int offset, int size, int value) {
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                int at = (offset + i) & 0xFF;
                int b = (value >>> (8 * i)) & 0xFF;
                int w = writable[at] & 0xFF;
                int c = clearOnOne[at] & 0xFF;
                int old = config[at] & 0xFF;
                config[at] = (byte) ((old & ~w & ~(b & c)) | (b & w));
            }
        }
        written(offset, size);
    }

    /**
     * Called after every guest write and after reset ({@code 0, 256}), outside the config
     * lock, for side effects such as moving an I/O block.
     */
    protected void written(int offset, int size) { }

    /** Whether [offset, offset+size) overlaps the register [register, register+length). */
    protected static boolean touches(int offset, int size, int register, int length) {
        return offset < register + length && register < offset + size;
    }

    @Override
    public void reset() {
        synchronized (this) {
            System.arraycopy(initial, 0, config, 0, 256);
        }
        written(0, 256);
    }

    private static void set16(byte[] b, int offset, int v) {
        b[offset] = (byte) v;
        b[offset + 1] = (byte) (v >> 8);
    }
}
