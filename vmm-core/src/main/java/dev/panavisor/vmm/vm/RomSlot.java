package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.vmm.memory.RomDeviceMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;

/**
 * A ROM device window as one KVM memslot: present with KVM_MEM_READONLY in direct mode
 * (guest writes then exit as MMIO), deleted in trapped mode (every access exits as MMIO,
 * and the VM's MMIO bus hands it to the device registered over the same range).
 *
 * <p>KVM lets a memslot change while other vCPUs run (it publishes the new slot array
 * with SRCU and waits for readers), so the vCPU that wrote the command flips the slot
 * itself. A mode change is rare (once per flash command sequence), so a monitor keeps two
 * racing vCPUs from issuing the ioctls out of order; reads in direct mode never get here.
 */
final class RomSlot implements RomDeviceMapping {
    private static final Logger LOG = LoggerFactory.getLogger(RomSlot.class);

    private VmFd vm;
    private final int slot;
    private final String name;
    private final long gpa;
    private final MemorySegment host;
    private volatile boolean mapped;

    RomSlot(VmFd vm, int slot, String name, long gpa, MemorySegment host) {
        if ((gpa & 0xFFF) != 0 || (host.byteSize() & 0xFFF) != 0 || host.byteSize() == 0 || (host.address() & 0xFFF) != 0) {
            throw new IllegalArgumentException(String.format("ROM window %s at 0x%x+0x%x must be page aligned", name, gpa, host.byteSize()));
        }
        this.vm = vm;
        this.slot = slot;
        this.name = name;
        this.gpa = gpa;
        this.host = host;
    }

    @Override
    public synchronized void mapReadOnly() {
        if (mapped) return;
        vm.setUserMemoryRegion(slot, (int) KvmUapi.KVM_MEM_READONLY(), gpa, host.byteSize(), host.address());
        mapped = true;
        LOG.trace("{}: direct read-only mapping", name);
    }

    @Override
    public synchronized void trapAll() {
        if (!mapped) return;
        vm.setUserMemoryRegion(slot, 0, gpa, 0, host.address());
        mapped = false;
        LOG.trace("{}: all accesses trapped", name);
    }

    @Override
    public boolean isMappedReadOnly() { return mapped; }

    /** Moves the window to a rebuilt KVM VM, in the mode it is in now. vCPUs must be out of the guest. */
    synchronized void moveTo(VmFd other) {
        vm = other;
        if (mapped) vm.setUserMemoryRegion(slot, (int) KvmUapi.KVM_MEM_READONLY(), gpa, host.byteSize(), host.address());
    }

    int slot() { return slot; }
}
