package dev.panavisor.devices.fwcfg;

import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.bus.IoBus;
import dev.panavisor.vmm.memory.GuestMemory;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU's firmware configuration device on the x86 I/O ports (docs/specs/fw_cfg.rst), built with
 * {@link FwCfgBuilder}. Two port ranges:
 * <ul>
 *   <li>{@link #controlPorts()} at 0x510, two ports: a 16-bit write selects an item ("Selector
 *       Register"), an 8-bit read at either port returns the next byte of it ("Data Register";
 *       QEMU decodes the two ports as one combined region). Data-port writes are ignored, as in
 *       QEMU since v2.4; wider reads return 0 and change nothing, as QEMU refuses them.</li>
 *   <li>{@link #dmaPorts()} at 0x514, eight ports: the big-endian DMA address register. A 32-bit
 *       write at 0x514 sets the high half, one at 0x518 adds the low half and runs the transfer;
 *       a 64-bit write at 0x514 sets both and runs it. Reads return the bytes of "QEMU CFG".</li>
 * </ul>
 *
 * <p>Concurrency: one lock guards the selector, the data offset and the DMA address, and is held
 * for each port access and for a whole DMA transfer, so every access is atomic, as under QEMU's
 * global lock. vCPUs that interleave select/read sequences still see each other's selections, as
 * on QEMU; firmware uses fw-cfg from one CPU at a time. A lock is justified here: fw-cfg is
 * configuration traffic (a few thousand exits in a boot, each already costing microseconds), and
 * a DMA transfer that calls host write handlers cannot be made lock-free sensibly. The data path
 * allocates nothing; a DMA copy is one {@code MemorySegment.copy} per item chunk.
 */
public final class FwCfgDevice {
    private static final Logger LOG = LoggerFactory.getLogger(FwCfgDevice.class);

    public static final int SELECTOR_PORT = 0x510;
    public static final int DATA_PORT = 0x511;
    public static final int DMA_PORT = 0x514;
    public static final int CONTROL_PORT_COUNT = 2;
    public static final int DMA_PORT_COUNT = 8;
    /** "QEMU CFG", what the DMA address register reads as when DMA is available. */
    public static final long DMA_SIGNATURE = 0x51454d5520434647L;

    private final Object lock = new Object();
    private final FwCfgItem[] items;
    private final Map<String, Integer> fileKeys;
    private final boolean dmaEnabled;
    private final FwCfgDma dma;
    private final GuestErrorLog guestErrors = new GuestErrorLog(LOG);

    // Guarded by lock.
    private int selectedKey;
    private FwCfgItem selected;
    private long offset;
    private long dmaAddressHigh;

    private final BusDevice controlPorts = new ControlPorts();
    private final BusDevice dmaPorts = new DmaPorts();

    FwCfgDevice(FwCfgItem[] items, Map<String, Integer> fileKeys, boolean dmaEnabled, GuestMemory memory) {
        this.items = items;
        this.fileKeys = Map.copyOf(fileKeys);
        this.dmaEnabled = dmaEnabled;
        this.dma = new FwCfgDma(this, Objects.requireNonNull(memory, "memory"), guestErrors);
        reset();
    }

    public static FwCfgBuilder builder() { return new FwCfgBuilder(); }

    /** The selector and data ports, for {@link #SELECTOR_PORT} with {@link #CONTROL_PORT_COUNT} ports. */
    public BusDevice controlPorts() { return controlPorts; }

    /** The DMA address register, for {@link #DMA_PORT} with {@link #DMA_PORT_COUNT} ports. */
    public BusDevice dmaPorts() { return dmaPorts; }

    /** Registers the ports where QEMU's x86 machines have them. */
    public void attachTo(IoBus io) {
        io.register(SELECTOR_PORT, CONTROL_PORT_COUNT, controlPorts, "fw-cfg");
        if (dmaEnabled) io.register(DMA_PORT, DMA_PORT_COUNT, dmaPorts, "fw-cfg-dma");
    }

    /** Machine reset: the signature item is selected again and no DMA address is half-written (QEMU's fw_cfg_reset). */
    public void reset() {
        synchronized (lock) {
            selectLocked(FwCfgKeys.SIGNATURE);
            dmaAddressHigh = 0;
        }
    }

    public boolean dmaEnabled() { return dmaEnabled; }

    /** The key firmware selects to read the file {@code name}, or -1. */
    public int keyOf(String name) {
        Integer key = fileKeys.get(name);
        return key == null ? -1 : key;
    }

    /** The item behind {@code key} (flag bit 14 ignored), or null. */
    public FwCfgItem item(int key) {
        return items[FwCfgKeys.slot(key & 0xffff)];
    }

    /** The named file, or null. */
    public FwCfgItem file(String name) {
        int key = keyOf(name);
        return key < 0 ? null : item(key);
    }

    /** Guest mistakes seen so far (bad DMA descriptors, refused writes, unsupported accesses). */
    public long guestErrors() { return guestErrors.count(); }

    // ---- state used by FwCfgDma, always under lock ----

    Object lock() { return lock; }

    void selectLocked(int key) {
        selectedKey = key & 0xffff;
        selected = items[FwCfgKeys.slot(selectedKey)];
        offset = 0;
        if (selected != null) selected.selected();
    }

    FwCfgItem selectedItem() { return selected; }

    int selectedKey() { return selectedKey; }

    long offset() { return offset; }

    void advance(long bytes) { offset += bytes; }

    private int readDataByte() {
        synchronized (lock) {
            FwCfgItem item = selected;
            if (item == null || offset >= item.size()) return 0;
            return item.byteAt(offset++) & 0xff;
        }
    }

    private final class ControlPorts implements BusDevice {
        @Override
        public long read(long port, int size) {
            if (size == 1) return readDataByte();
            guestErrors.report("fw-cfg: {}-byte read at port 0x{}; the data port is 8 bits wide, read ignored",
                    size, Long.toHexString(SELECTOR_PORT + port));
            return 0;
        }

        @Override
        public void write(long port, int size, long value) {
            if (size == 2 && port == 0) {
                synchronized (lock) {
                    selectLocked((int) value);
                }
            } else if (size != 1) {
                guestErrors.report("fw-cfg: {}-byte write at port 0x{} ignored; the selector takes 16-bit writes",
                        size, Long.toHexString(SELECTOR_PORT + port));
            }
            // Byte writes to the data port: ignored since QEMU v2.4 (fw_cfg.rst, "Data Register").
        }
    }

    private final class DmaPorts implements BusDevice {
        @Override
        public long read(long port, int size) {
            // The register is big-endian: the byte at port 0x514+i is byte i of "QEMU CFG".
            long value = 0;
            for (int i = 0; i < size; i++) {
                long at = port + i;
                long b = at < 8 ? (DMA_SIGNATURE >>> (8 * (7 - at))) & 0xff : 0;
                value |= b << (8 * i);
            }
            return value;
        }

        @Override
        public void write(long port, int size, long value) {
            synchronized (lock) {
                if (size == 4 && port == 0) {
                    dmaAddressHigh = Integer.toUnsignedLong(Integer.reverseBytes((int) value)) << 32;
                } else if (size == 4 && port == 4) {
                    long address = dmaAddressHigh | Integer.toUnsignedLong(Integer.reverseBytes((int) value));
                    dmaAddressHigh = 0;
                    dma.transfer(address);
                } else if (size == 8 && port == 0) {
                    dmaAddressHigh = 0;
                    dma.transfer(Long.reverseBytes(value));
                } else {
                    guestErrors.report("fw-cfg: {}-byte write at DMA port 0x{} ignored; the register takes 32-bit halves or one 64-bit write",
                            size, Long.toHexString(DMA_PORT + port));
                }
            }
        }
    }
}
