package dev.panavisor.devices.pflash;

import dev.panavisor.vmm.bus.BusDevice;
import dev.panavisor.vmm.memory.RomDeviceMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A byte-wide CFI parallel flash with the Intel/Sharp command set, behaving as QEMU's
 * pflash_cfi01 does on its PC machine (bank width 1, device width unset, 4 KiB blocks),
 * which is what OVMF's QemuFlashFvbServicesRuntimeDxe and SeaBIOS were written against.
 *
 * <p>In read-array mode the guest reads the unit's host memory directly through
 * {@link RomDeviceMapping} (instruction fetch at full speed); the first command write
 * switches the window to trapped mode, where reads return status, identifier or CFI data
 * per the current command, and returning to read-array maps it directly again.
 *
 * <p>Changes reach the {@link FlashBacking} one erase block at a time: a block the guest
 * modified is persisted when the guest goes back to read-array mode or starts modifying
 * another block, so the stored image is always the flash as it was at some instant of the
 * guest's own write order. A read-only unit rejects program and erase with the status
 * error bits real parts set (SR.4 program error, SR.5 erase error) and logs it.
 *
 * <p>Accesses only arrive for flash command sequences (array reads are served by KVM), so
 * the monitor that serialises vCPUs here is off the hot path.
 */
public final class PflashCfi01 implements BusDevice {
    private static final Logger LOG = LoggerFactory.getLogger(PflashCfi01.class);

    /** Block (sector) size QEMU's pc_sysfw.c gives every PC flash unit. */
    public static final int PC_BLOCK_BYTES = 4096;

    /** Status register bits (Intel StrataFlash datasheet, "Status Register Definitions"). */
    public static final int SR_READY = 0x80, SR_ERASE_ERROR = 0x20, SR_PROGRAM_ERROR = 0x10;

    static final int CMD_READ_ARRAY_QEMU = 0x00, CMD_PROGRAM = 0x10, CMD_ERASE = 0x20, CMD_ERASE_ALT = 0x28,
            CMD_PROGRAM_ALT = 0x40, CMD_CLEAR_STATUS = 0x50, CMD_LOCK = 0x60, CMD_READ_STATUS = 0x70,
            CMD_READ_ID = 0x90, CMD_CFI_QUERY = 0x98, CMD_CONFIRM = 0xD0, CMD_WRITE_BUFFER = 0xE8,
            CMD_AMD_PROBE = 0xF0, CMD_READ_ARRAY = 0xFF;

    private final String name;
    private final MemorySegment storage;
    private final long size;
    private final int blockBytes;
    private final boolean readOnly;
    private final RomDeviceMapping mapping;
    private final FlashBacking backing;
    private final FlashIdentity identity;
    private final byte[] cfi;
    private final byte[] writeBuffer = new byte[1 << CfiQueryTable.WRITE_BUFFER_SHIFT];

    private int cmd;
    private int wcycle;
    private int status;
    private long counter;
    private long bufferBase = -1;
    private long dirtyBlock = -1;
    private long rejectedWrites;
    private boolean backingFailed;

    /**
     * @param storage the unit's contents (already loaded), also what {@code mapping} shows
     *                the guest in read-array mode; its size must be a multiple of {@code blockBytes}
     */
    public PflashCfi01(String name, MemorySegment storage, int blockBytes, boolean readOnly,
                       RomDeviceMapping mapping, FlashBacking backing, FlashIdentity identity) {
        this.name = Objects.requireNonNull(name);
        this.storage = Objects.requireNonNull(storage);
        this.size = storage.byteSize();
        if (blockBytes <= 0 || Integer.bitCount(blockBytes) != 1 || blockBytes < writeBuffer.length) {
            throw new IllegalArgumentException("flash block size must be a power of two >= " + writeBuffer.length + ": " + blockBytes);
        }
        if (size == 0 || size % blockBytes != 0) {
            throw new IllegalArgumentException(name + ": flash size " + size + " is not a non-zero multiple of " + blockBytes + " bytes");
        }
        this.blockBytes = blockBytes;
        this.readOnly = readOnly;
        this.mapping = Objects.requireNonNull(mapping);
        this.backing = Objects.requireNonNull(backing);
        this.identity = Objects.requireNonNull(identity);
        this.cfi = CfiQueryTable.build(size, blockBytes);
        reset();
    }

    public String name() { return name; }
    public long size() { return size; }
    public boolean readOnly() { return readOnly; }
    public synchronized int status() { return status; }
    /** True in read-array mode with no command sequence under way. */
    public synchronized boolean inReadArrayMode() { return cmd == CMD_READ_ARRAY_QEMU && wcycle == 0; }
    /** Program or erase attempts the read-only unit refused. */
    public synchronized long rejectedWrites() { return rejectedWrites; }

    /** Power-on / platform reset: read-array mode, WSM ready, no buffered write. */
    public synchronized void reset() {
        flush();
        cmd = CMD_READ_ARRAY_QEMU;
        wcycle = 0;
        status = SR_READY;
        bufferBase = -1;
        mapping.mapReadOnly();
    }

    /** Persists a block the guest changed and has not yet left read-array mode for. */
    public synchronized void flush() {
        if (dirtyBlock < 0) return;
        long block = dirtyBlock;
        dirtyBlock = -1;
        try {
            backing.persist(block * blockBytes, storage.asSlice(block * blockBytes, blockBytes));
        } catch (IOException | RuntimeException e) {
            if (!backingFailed) LOG.error("{}: could not save flash block {}; the guest sees the change but it will not survive this run", name, block, e);
            backingFailed = true;
        }
    }

    // ---- reads ----

    @Override
    public synchronized long read(long offset, int size) {
        if (offset < 0 || offset >= this.size) return ones(size);
        return switch (cmd) {
            case CMD_READ_ARRAY_QEMU -> readArray(offset, size);
            case CMD_PROGRAM, CMD_ERASE, CMD_ERASE_ALT, CMD_PROGRAM_ALT, CMD_CLEAR_STATUS, CMD_LOCK,
                 CMD_READ_STATUS, CMD_WRITE_BUFFER -> statusReadback(size);
            case CMD_READ_ID -> identifier(offset);
            case CMD_CFI_QUERY -> cfiQuery(offset);
            default -> {
                // Unknown state cannot arise from write(); treat it as QEMU does: back to reading.
                toReadArray();
                yield readArray(offset, size);
            }
        };
    }

    private long readArray(long offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            long at = offset + i;
            int b = at < this.size ? Byte.toUnsignedInt(storage.get(ValueLayout.JAVA_BYTE, at)) : 0xFF;
            v = (v << 8) | b;
        }
        return v;
    }

    /** QEMU's device-width-less status replication: one copy, plus one in bits 16..23 for 4-byte reads. */
    private long statusReadback(int size) {
        long v = status;
        if (size > 2) v |= (long) status << 16;
        return v;
    }

    private long identifier(long offset) {
        return switch ((int) (offset & 0xFF)) {
            case 0 -> identity.manufacturer();
            case 1 -> identity.device();
            default -> 0;
        };
    }

    private long cfiQuery(long offset) {
        int i = (int) (offset & 0xFF);
        return i < cfi.length ? Byte.toUnsignedInt(cfi[i]) : 0;
    }

    // ---- writes ----

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset < 0 || offset >= this.size) return;
        int command = (int) (value & 0xFF);
        switch (wcycle) {
            case 0 -> firstCycle(offset, command);
            case 1 -> secondCycle(offset, size, value, command);
            case 2 -> bufferData(offset, size, value);
            case 3 -> bufferConfirm(command);
            default -> toReadArray();
        }
        updateMapping();
    }

    private void firstCycle(long offset, int command) {
        switch (command) {
            case CMD_READ_ARRAY_QEMU, CMD_READ_ARRAY, CMD_AMD_PROBE -> toReadArray();
            case CMD_PROGRAM, CMD_PROGRAM_ALT, CMD_ERASE, CMD_ERASE_ALT, CMD_LOCK, CMD_CFI_QUERY -> begin(command);
            case CMD_WRITE_BUFFER -> { status |= SR_READY; begin(command); }
            case CMD_CLEAR_STATUS -> { status = 0; toReadArray(); }
            case CMD_READ_STATUS, CMD_READ_ID -> cmd = command; // a one-cycle mode; the next write is a new command
            default -> badSequence(offset, command);
        }
    }

    private void begin(int command) {
        cmd = command;
        wcycle = 1;
    }

    private void secondCycle(long offset, int size, long value, int command) {
        switch (cmd) {
            case CMD_PROGRAM, CMD_PROGRAM_ALT -> {
                if (readOnly) reject(offset, "program", SR_PROGRAM_ERROR);
                else store(offset, size, value);
                status |= SR_READY;
                wcycle = 0;
            }
            case CMD_ERASE, CMD_ERASE_ALT -> {
                if (command == CMD_CONFIRM) {
                    long base = offset & ~(long) (blockBytes - 1);
                    if (readOnly) reject(base, "erase", SR_ERASE_ERROR);
                    else erase(base);
                    status |= SR_READY;
                    wcycle = 0;
                } else if (command == CMD_READ_ARRAY) {
                    toReadArray();
                } else {
                    badSequence(offset, command);
                }
            }
            case CMD_WRITE_BUFFER -> {
                counter = value & 0xFF; // masked to the bank width, as QEMU does
                bufferBase = -1;
                wcycle = 2;
            }
            case CMD_LOCK -> {
                // Block locking is not modelled: set (0x01) and clear (0xD0) lock bits succeed and change nothing.
                if (command == CMD_CONFIRM || command == 0x01) { wcycle = 0; status |= SR_READY; }
                else toReadArray();
            }
            case CMD_CFI_QUERY -> {
                // Only read-array leaves query mode; anything else keeps answering queries.
                if (command == CMD_READ_ARRAY) toReadArray();
            }
            default -> badSequence(offset, command);
        }
    }

    private void bufferData(long offset, int size, long value) {
        if (bufferBase < 0) {
            bufferBase = offset & ~(long) (writeBuffer.length - 1);
            MemorySegment.copy(storage, ValueLayout.JAVA_BYTE, bufferBase, writeBuffer, 0, writeBuffer.length);
        }
        if (readOnly) {
            reject(offset, "buffered program", SR_PROGRAM_ERROR);
        } else if (offset < bufferBase || offset + size > bufferBase + writeBuffer.length) {
            // Data outside the buffer's aligned window cannot be programmed in one operation.
            status |= SR_PROGRAM_ERROR;
            LOG.debug("{}: buffered write at 0x{} leaves the window at 0x{}", name, Long.toHexString(offset), Long.toHexString(bufferBase));
        } else {
            for (int i = 0; i < size; i++) writeBuffer[(int) (offset - bufferBase) + i] = (byte) (value >>> (8 * i));
        }
        status |= SR_READY;
        if (counter == 0) wcycle = 3;
        else counter--;
    }

    private void bufferConfirm(int command) {
        if (command == CMD_CONFIRM && (status & SR_PROGRAM_ERROR) == 0 && bufferBase >= 0) {
            touch(bufferBase);
            MemorySegment.copy(writeBuffer, 0, storage, ValueLayout.JAVA_BYTE, bufferBase, writeBuffer.length);
            bufferBase = -1;
            wcycle = 0;
            status |= SR_READY;
        } else {
            // An unconfirmed or failed buffered write changes nothing.
            bufferBase = -1;
            toReadArray();
        }
    }

    private void store(long offset, int size, long value) {
        for (int i = 0; i < size && offset + i < this.size; i++) {
            touch(offset + i);
            storage.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (value >>> (8 * i)));
        }
    }

    private void erase(long base) {
        touch(base);
        storage.asSlice(base, blockBytes).fill((byte) 0xFF);
    }

    /** Marks the block holding {@code offset} as about to change, saving a different dirty block first. */
    private void touch(long offset) {
        long block = offset / blockBytes;
        if (dirtyBlock == block) return;
        flush();
        dirtyBlock = block;
    }

    private void reject(long offset, String what, int errorBit) {
        status |= errorBit;
        long n = ++rejectedWrites;
        if (n <= 8 || (n & 0xFFF) == 0) {
            LOG.warn("{}: guest tried to {} the read-only flash at 0x{} ({} attempt(s) so far); reported as status 0x{}",
                    name, what, Long.toHexString(offset), n, Integer.toHexString(status));
        }
    }

    private void badSequence(long offset, int command) {
        LOG.debug("{}: unsupported command sequence at 0x{}: cycle {} of command 0x{}, value 0x{}; back to read-array",
                name, Long.toHexString(offset), wcycle, Integer.toHexString(cmd), Integer.toHexString(command));
        toReadArray();
    }

    private void toReadArray() {
        cmd = CMD_READ_ARRAY_QEMU;
        wcycle = 0;
    }

    private void updateMapping() {
        try {
            if (cmd == CMD_READ_ARRAY_QEMU && wcycle == 0) {
                flush();
                mapping.mapReadOnly();
            } else {
                mapping.trapAll();
            }
        } catch (RuntimeException e) {
            // The guest then reads array data where it expected status; it must not take the VMM down.
            LOG.error("{}: could not switch the flash window's mapping", name, e);
        }
    }

    private static long ones(int size) { return size >= 8 ? -1L : (1L << (size * 8)) - 1; }
}
