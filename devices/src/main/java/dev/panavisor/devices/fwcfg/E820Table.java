package dev.panavisor.devices.fwcfg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code etc/e820} file: the memory map firmware builds its own E820 table from. Entries
 * are packed little-endian {u64 address, u64 length, u32 type} (20 bytes), in the order given;
 * SeaBIOS takes RAM and reserved entries from it, OVMF takes RAM entries to find its memory.
 */
public final class E820Table {
    public static final int RAM = 1;
    public static final int RESERVED = 2;
    public static final int ACPI = 3;
    public static final int NVS = 4;
    public static final int UNUSABLE = 5;

    public static final int ENTRY_SIZE = 20;

    public record Entry(long address, long length, int type) {
        public Entry {
            if (length == 0) throw new IllegalArgumentException("empty e820 entry at 0x" + Long.toHexString(address));
            long end = address + length;
            if (end != 0 && Long.compareUnsigned(end, address) < 0) {
                throw new IllegalArgumentException("e820 entry at 0x" + Long.toHexString(address) + " wraps around");
            }
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public E820Table add(long address, long length, int type) {
        entries.add(new Entry(address, length, type));
        return this;
    }

    public E820Table ram(long address, long length) { return add(address, length, RAM); }

    public E820Table reserved(long address, long length) { return add(address, length, RESERVED); }

    public List<Entry> entries() { return List.copyOf(entries); }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_SIZE * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            b.putLong(e.address()).putLong(e.length()).putInt(e.type());
        }
        return b.array();
    }
}
