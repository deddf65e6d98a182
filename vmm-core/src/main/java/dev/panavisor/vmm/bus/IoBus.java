package dev.panavisor.vmm.bus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An address space (port I/O or MMIO) shared by all vCPUs. Registration is rare and
 * copies the whole table; dispatch reads one volatile reference and binary-searches
 * primitive arrays, so the vCPU exit path takes no lock and allocates nothing.
 *
 * <p>An access belongs to the device whose range holds its first byte, whatever its
 * width, as on a PC bus where the decoder looks at the start address: a dword OUT to
 * a one-port device reaches that device with size 4. An access that no device claims
 * is not an error to the guest: reads see all ones, writes are dropped, as on a bus
 * with nothing decoding the address. Such accesses are counted.
 */
public final class IoBus {
    private static final Logger LOG = LoggerFactory.getLogger(IoBus.class);

    /** Immutable once published. */
    private record Table(long[] bases, long[] lengths, BusDevice[] devices, String[] names) {
        static final Table EMPTY = new Table(new long[0], new long[0], new BusDevice[0], new String[0]);

        int find(long address) {
            int lo = 0, hi = bases.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(bases[mid], address) <= 0) lo = mid + 1; else hi = mid - 1;
            }
            int i = lo - 1;
            return i >= 0 && Long.compareUnsigned(address - bases[i], lengths[i]) < 0 ? i : -1;
        }
    }

    private final String name;
    private volatile Table table = Table.EMPTY;
    private final AtomicLong unclaimed = new AtomicLong();

    public IoBus(String name) {
        this.name = name;
    }

    /** Claims [base, base+length) for {@code device}; overlapping an existing range is a wiring bug. */
    public synchronized void register(long base, long length, BusDevice device, String deviceName) {
        if (length <= 0) throw new IllegalArgumentException("empty range for " + deviceName);
        Table t = table;
        for (int i = 0; i < t.bases.length; i++) {
            boolean disjoint = Long.compareUnsigned(base + length - 1, t.bases[i]) < 0
                    || Long.compareUnsigned(t.bases[i] + t.lengths[i] - 1, base) < 0;
            if (!disjoint) {
                throw new IllegalArgumentException(String.format("%s: %s at 0x%x+0x%x overlaps %s at 0x%x+0x%x",
                        name, deviceName, base, length, t.names[i], t.bases[i], t.lengths[i]));
            }
        }
        int n = t.bases.length;
        Integer[] order = new Integer[n + 1];
        long[] bases = Arrays.copyOf(t.bases, n + 1);
        long[] lengths = Arrays.copyOf(t.lengths, n + 1);
        BusDevice[] devices = Arrays.copyOf(t.devices, n + 1);
        String[] names = Arrays.copyOf(t.names, n + 1);
        bases[n] = base; lengths[n] = length; devices[n] = device; names[n] = deviceName;
        for (int i = 0; i <= n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(bases[a], bases[b]));
        Table next = new Table(new long[n + 1], new long[n + 1], new BusDevice[n + 1], new String[n + 1]);
        for (int i = 0; i <= n; i++) {
            next.bases[i] = bases[order[i]]; next.lengths[i] = lengths[order[i]];
            next.devices[i] = devices[order[i]]; next.names[i] = names[order[i]];
        }
        table = next;
    }

    /** Removes the range starting at {@code base}; returns false when nothing was there. */
    public synchronized boolean unregister(long base) {
        Table t = table;
        int i = 0;
        while (i < t.bases.length && t.bases[i] != base) i++;
        if (i == t.bases.length) return false;
        int n = t.bases.length - 1;
        Table next = new Table(new long[n], new long[n], new BusDevice[n], new String[n]);
        for (int j = 0, k = 0; j <= n; j++) {
            if (j == i) continue;
            next.bases[k] = t.bases[j]; next.lengths[k] = t.lengths[j]; next.devices[k] = t.devices[j]; next.names[k] = t.names[j];
            k++;
        }
        table = next;
        return true;
    }

    /** Dispatches a read; all ones (of {@code size} bytes) when no device claims the address. */
    public long read(long address, int size) {
        Table t = table;
        int i = t.find(address);
        if (i >= 0) return t.devices[i].read(address - t.bases[i], size);
        unclaimed(address, size, false);
        return size >= 8 ? -1L : (1L << (size * 8)) - 1;
    }

    /** Dispatches a write; dropped when no device claims the address. */
    public void write(long address, int size, long value) {
        Table t = table;
        int i = t.find(address);
        if (i >= 0) {
            t.devices[i].write(address - t.bases[i], size, value);
            return;
        }
        unclaimed(address, size, true);
    }

    private void unclaimed(long address, int size, boolean write) {
        long n = unclaimed.incrementAndGet();
        // The first few are worth a line; a guest probing every port would flood the log.
        if (n <= 16 && LOG.isDebugEnabled()) {
            LOG.debug("{}: unclaimed {} of {} byte(s) at 0x{}", name, write ? "write" : "read", size, Long.toHexString(address));
        }
    }

    /** How many accesses no device claimed. */
    public long unclaimedAccesses() { return unclaimed.get(); }

    /** The device registered at exactly {@code base}, or null. */
    public BusDevice deviceAt(long base) {
        Table t = table;
        int i = t.find(base);
        return i >= 0 && t.bases[i] == base ? t.devices[i] : null;
    }

    public String name() { return name; }
}
