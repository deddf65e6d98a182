package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.Mapping;
import dev.panavisor.kvm.OwnedFd;
import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;
import dev.panavisor.vmm.memory.MemoryBacking;

import java.util.ArrayList;
import java.util.List;

/**
 * The host side of guest memory for one VM: allocates each region's mapping, registers
 * it as a KVM memslot, and on close removes the slots and unmaps everything exactly once.
 */
public final class GuestRam implements AutoCloseable {
    /** A region to create: name, guest-physical base, size, read-only. */
    public record Layout(String name, long gpa, long size, boolean readOnly) { }

    private final VmFd vm;
    private final List<Mapping> mappings = new ArrayList<>();
    private final List<OwnedFd> guestMemfds = new ArrayList<>();
    private final List<GuestRegion> regions = new ArrayList<>();
    private final GuestMemory memory;
    private boolean closed;

    public GuestRam(VmFd vm, List<Layout> layout, MemoryBacking backing) {
        this.vm = vm;
        try {
            int slot = 0;
            for (Layout l : layout) {
                GuestRegion r = backing == MemoryBacking.GUEST_MEMFD && !l.readOnly() ? guestMemfdRegion(l) : anonymousRegion(l);
                if (vm != null) register(vm, slot++, r);
                regions.add(r);
            }
            this.memory = new GuestMemory(regions);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Anonymous memory for {@code layout}, mapped but in no KVM VM yet. A loader can fill it while
     * the VM is still being made (the launcher copies a kernel in while the first downcalls are
     * linked); {@link Vm.Builder#memory(GuestRam)} then registers it. guest_memfd memory cannot be
     * made this way: it belongs to a VM from the start.
     */
    public static GuestRam unregistered(List<Layout> layout) {
        return new GuestRam(null, layout, MemoryBacking.ANONYMOUS);
    }

    private GuestRegion anonymousRegion(Layout l) {
        Mapping m = Mapping.anonymous(l.size());
        mappings.add(m);
        return new GuestRegion(l.name(), l.gpa(), m.segment(), l.readOnly(), -1);
    }

    private GuestRegion guestMemfdRegion(Layout l) {
        long supported = vm.checkExtension(KvmUapi.PV_KVM_CAP_GUEST_MEMFD_FLAGS());
        if ((supported & KvmUapi.PV_GUEST_MEMFD_FLAG_MMAP()) == 0) {
            throw new IllegalStateException("this KVM cannot mmap guest_memfd (KVM_CAP_GUEST_MEMFD_FLAGS lacks MMAP); use anonymous memory");
        }
        // Without INIT_SHARED a new guest_memfd starts private and the host could not fill it.
        long flags = KvmUapi.PV_GUEST_MEMFD_FLAG_MMAP() | (supported & KvmUapi.PV_GUEST_MEMFD_FLAG_INIT_SHARED());
        OwnedFd gmem = vm.createGuestMemfd(l.size(), flags);
        guestMemfds.add(gmem);
        Mapping m = Mapping.shared(gmem.fd(), 0, l.size(), "guest_memfd " + l.name());
        mappings.add(m);
        return new GuestRegion(l.name(), l.gpa(), m.segment(), false, gmem.fd());
    }

    /**
     * Registers every region, in the same slots, in a KVM VM: the first one for
     * {@link #unregistered} memory, or the one that replaces the VM this memory was made for (a
     * rebuilt launch context). The host mappings are shared,
     * never copied, so the guest's RAM survives the swap byte for byte. guest_memfd memory is
     * bound to the VM that created it and cannot move.
     */
    void registerIn(VmFd other) {
        if (!guestMemfds.isEmpty()) {
            throw new IllegalStateException("guest RAM backed by guest_memfd belongs to the KVM VM that created it;"
                    + " a rebuilt VM context needs anonymous memory");
        }
        int slot = 0;
        for (GuestRegion r : regions) register(other, slot++, r);
    }

    /**
     * Backs guest-physical [gpa, gpa+length) with {@code fd}'s bytes from {@code fileOffset},
     * copy-on-write ({@link Mapping#mapFilePrivately}): a loader's alternative to copying a large
     * image in, so that only the pages the guest touches are ever faulted in, and only those it
     * writes are copied. For ordinary RAM regions before the guest runs; the range must lie in one
     * region and be page-aligned. The file must not change while the VM lives.
     */
    public void mapFile(long gpa, long length, int fd, long fileOffset, String what) {
        for (int i = 0; i < regions.size(); i++) {
            GuestRegion r = regions.get(i);
            if (gpa < r.gpa() || gpa - r.gpa() >= r.size()) continue;
            if (r.readOnly() || r.guestMemfd() >= 0) {
                throw new IllegalArgumentException(what + ": region " + r.name() + " is " + (r.readOnly() ? "read-only" : "guest_memfd") + " memory");
            }
            mappings.get(i).mapFilePrivately(gpa - r.gpa(), length, fd, fileOffset, what);
            return;
        }
        throw new IllegalArgumentException(String.format("%s: guest-physical 0x%x is in no RAM region", what, gpa));
    }

    /** Memslots this memory occupies (0 .. count-1). */
    int slotCount() { return regions.size(); }

    private static void register(VmFd vm, int slot, GuestRegion r) {
        int flags = r.readOnly() ? (int) KvmUapi.KVM_MEM_READONLY() : 0;
        if (r.guestMemfd() >= 0) {
            vm.setUserMemoryRegion2(slot, flags | (int) KvmUapi.PV_KVM_MEM_GUEST_MEMFD(), r.gpa(), r.size(),
                    r.host().address(), r.guestMemfd(), 0);
        } else {
            vm.setUserMemoryRegion(slot, flags, r.gpa(), r.size(), r.host().address());
        }
    }

    public GuestMemory memory() { return memory; }

    /** Unmaps all regions and closes guest_memfds. The VM fd must be closed first or the slots removed. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        for (Mapping m : mappings) {
            try { m.close(); } catch (RuntimeException e) { if (first == null) first = e; }
        }
        for (OwnedFd f : guestMemfds) {
            try { f.close(); } catch (RuntimeException e) { if (first == null) first = e; }
        }
        if (first != null) throw first;
    }
}
