package dev.panavisor.devices.fwcfg;

import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import java.lang.foreign.MemorySegment;

/**
 * Runs one fw-cfg DMA transfer (fw_cfg.rst, "Guest-side DMA Interface") with QEMU's observable
 * behaviour, and checks every guest range before touching it:
 * <ul>
 *   <li>The {@code FWCfgDmaAccess} descriptor (16 bytes, big-endian) is read once into locals.
 *       If it is not inside guest memory the transfer fails; the error bit is still written to
 *       its control word when those four bytes are writable guest RAM, as QEMU tries to.</li>
 *   <li>SELECT (bit 3) selects the key in the upper 16 bits first. Then READ (bit 1) wins over
 *       WRITE (bit 4), which wins over SKIP (bit 2); with none of them only the select happens.</li>
 *   <li>READ copies item bytes to guest memory and zero-fills whatever the item does not cover.
 *       SKIP advances the offset, never past the item's end. WRITE needs a guest-writable item and
 *       a range wholly inside it, else it is dropped entirely with the error bit.</li>
 *   <li>The control word is then overwritten with 0 for success or the error bit (1).</li>
 * </ul>
 * Each chunk (item part, then the zero-filled rest) is checked separately, as QEMU does, so a read
 * that runs off the end of guest RAM may have copied its first chunk before failing. A guest range
 * that leaves one region, wraps around 2^64, or (for data going into the guest) lands in read-only
 * memory is an error; nothing outside guest memory is read or written. Every transfer is bounded
 * by the guest's RAM size, so none can stall the vCPU beyond copying that much.
 */
final class FwCfgDma {
    static final int CTL_ERROR = 0x01;
    static final int CTL_READ = 0x02;
    static final int CTL_SKIP = 0x04;
    static final int CTL_SELECT = 0x08;
    static final int CTL_WRITE = 0x10;
    static final int DESCRIPTOR_SIZE = 16;

    private enum Op { NONE, READ, WRITE, SKIP }

    private final FwCfgDevice device;
    private final GuestMemory memory;
    private final GuestErrorLog errors;

    FwCfgDma(FwCfgDevice device, GuestMemory memory, GuestErrorLog errors) {
        this.device = device;
        this.memory = memory;
        this.errors = errors;
    }

    /** Runs the transfer described at {@code descriptor}; the caller holds the device lock. */
    void transfer(long descriptor) {
        GuestRegion region = memory.regionFor(descriptor, DESCRIPTOR_SIZE);
        if (region == null) {
            errors.report("fw-cfg DMA: descriptor at 0x{} is not inside guest memory", Long.toHexString(descriptor));
            writeControl(descriptor, CTL_ERROR);
            return;
        }
        MemorySegment d = memory.slice(descriptor, DESCRIPTOR_SIZE);
        int control = d.get(GuestMemory.U32_BE, 0);
        long length = Integer.toUnsignedLong(d.get(GuestMemory.U32_BE, 4));
        long address = d.get(GuestMemory.U64_BE, 8);

        if ((control & CTL_SELECT) != 0) device.selectLocked(control >>> 16);
        Op op = (control & CTL_READ) != 0 ? Op.READ
                : (control & CTL_WRITE) != 0 ? Op.WRITE
                : (control & CTL_SKIP) != 0 ? Op.SKIP : Op.NONE;
        if (op == Op.NONE) length = 0;

        boolean ok = true;
        while (length > 0 && ok) {
            FwCfgItem item = device.selectedItem();
            long offset = device.offset();
            long chunk;
            if (item == null || offset >= item.size()) {
                chunk = length;
                if (op == Op.READ) ok = zeroFill(address, chunk);
                if (op == Op.WRITE) ok = refuse("write of {} bytes past the end of key 0x{}", chunk, key());
            } else {
                chunk = Math.min(length, item.size() - offset);
                if (op == Op.READ) ok = readItem(item, offset, address, chunk);
                if (op == Op.WRITE) ok = writeItem(item, offset, address, chunk, length);
                device.advance(chunk);
            }
            address += chunk;
            length -= chunk;
        }
        writeControl(descriptor, ok ? 0 : CTL_ERROR);
    }

    private boolean readItem(FwCfgItem item, long offset, long address, long chunk) {
        MemorySegment target = guestTarget(address, chunk);
        if (target == null) return false;
        item.copyTo(offset, target);
        return true;
    }

    private boolean zeroFill(long address, long chunk) {
        MemorySegment target = guestTarget(address, chunk);
        if (target == null) return false;
        target.fill((byte) 0);
        return true;
    }

    private boolean writeItem(FwCfgItem item, long offset, long address, long chunk, long requested) {
        if (!(item instanceof MutableFwCfgFile file) || file.writeHandler() == null) {
            return refuse("write to read-only key 0x{}", key(), null);
        }
        if (chunk != requested) {
            return refuse("write of {} bytes at offset " + offset + " runs past the end of {}", requested, file.name());
        }
        if (!memory.isValid(address, chunk)) {
            return refuse("write source [0x{}, +0x{}) is not inside guest memory", Long.toHexString(address), Long.toHexString(chunk));
        }
        GuestWriteHandler.WriteOutcome outcome;
        try {
            outcome = file.guestWrite(offset, memory.slice(address, chunk));
        } catch (RuntimeException e) {
            return refuse("the host's handler for {} failed: {}", file.name(), e.toString());
        }
        if (outcome == GuestWriteHandler.WriteOutcome.REJECT) {
            return refuse("the host refused a {}-byte write to {}", chunk, file.name());
        }
        return true;
    }

    /** The guest slice to copy into, or null (logged) when it is not writable guest RAM. */
    private MemorySegment guestTarget(long address, long length) {
        GuestRegion r = memory.regionFor(address, length);
        if (r == null) {
            refuse("target [0x{}, +0x{}) is not inside guest memory", Long.toHexString(address), Long.toHexString(length));
            return null;
        }
        if (r.readOnly()) {
            refuse("target at 0x{} is in read-only region {}", Long.toHexString(address), r.name());
            return null;
        }
        return memory.slice(address, length);
    }

    private void writeControl(long descriptor, int value) {
        GuestRegion r = memory.regionFor(descriptor, 4);
        if (r != null && !r.readOnly()) memory.slice(descriptor, 4).set(GuestMemory.U32_BE, 0, value);
    }

    private String key() { return Integer.toHexString(device.selectedKey()); }

    private boolean refuse(String format, Object a, Object b) {
        errors.report("fw-cfg DMA: " + format, a, b);
        return false;
    }
}
