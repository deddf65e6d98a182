package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_enable_cap;
import dev.panavisor.kvm.sys.kvm_irq_level;
import dev.panavisor.kvm.sys.kvm_irqfd;
import dev.panavisor.kvm.sys.kvm_pit_config;
import dev.panavisor.kvm.sys.kvm_userspace_memory_region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A KVM VM fd. Thin: each method is one ioctl with its struct filled in. */
public final class VmFd extends OwnedFd implements IoctlTarget {
    private final Kvm kvm;
    private final ThreadLocal<MemorySegment> irqLevelBuffer = ThreadLocal.withInitial(() -> kvm_irq_level.allocate(Arena.ofAuto()));

    VmFd(int fd, Kvm kvm) {
        super(fd, "kvm-vm");
        this.kvm = kvm;
    }

    public Kvm kvm() { return kvm; }

    @Override
    public int ioctl(long request, MemorySegment arg) {
        return Posix.ioctlNoThrow(fd, request, arg);
    }

    /** KVM_CHECK_EXTENSION on the VM fd, which answers for this VM's type. */
    public int checkExtension(int capability) {
        return Posix.ioctl(fd, KvmUapi.KVM_CHECK_EXTENSION(), capability, "KVM_CHECK_EXTENSION");
    }

    /** KVM_SET_USER_MEMORY_REGION; a zero size deletes the slot. */
    public void setUserMemoryRegion(int slot, int flags, long guestPhysAddr, long size, long hostAddress) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = kvm_userspace_memory_region.allocate(a);
            kvm_userspace_memory_region.slot(r, slot);
            kvm_userspace_memory_region.flags(r, flags);
            kvm_userspace_memory_region.guest_phys_addr(r, guestPhysAddr);
            kvm_userspace_memory_region.memory_size(r, size);
            kvm_userspace_memory_region.userspace_addr(r, hostAddress);
            Posix.ioctl(fd, KvmUapi.KVM_SET_USER_MEMORY_REGION(), r, "KVM_SET_USER_MEMORY_REGION");
        }
    }

    /** KVM_SET_USER_MEMORY_REGION2 with a guest_memfd backing private accesses to the slot. */
    public void setUserMemoryRegion2(int slot, int flags, long guestPhysAddr, long size, long hostAddress,
                                     int guestMemfd, long guestMemfdOffset) {
        PrivateMemoryIoctls.setUserMemoryRegion2(this, slot, flags, guestPhysAddr, size, hostAddress, guestMemfd, guestMemfdOffset);
    }

    /** KVM_CREATE_GUEST_MEMFD; {@code flags} may ask for GUEST_MEMFD_FLAG_MMAP so the host can map it. */
    public OwnedFd createGuestMemfd(long size, long flags) {
        return new OwnedFd(PrivateMemoryIoctls.createGuestMemfd(this, size, flags), "guest_memfd");
    }

    /** KVM_SET_MEMORY_ATTRIBUTES, e.g. marking a range private before an SNP/TDX launch update. */
    public void setMemoryAttributes(long guestPhysAddr, long size, long attributes) {
        PrivateMemoryIoctls.setMemoryAttributes(this, guestPhysAddr, size, attributes);
    }

    /** Where KVM puts the three pages of TSS it needs on Intel; must not overlap guest RAM. */
    public void setTssAddr(long address) {
        Posix.ioctl(fd, KvmUapi.KVM_SET_TSS_ADDR(), address, "KVM_SET_TSS_ADDR");
    }

    public void setIdentityMapAddr(long address) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_LONG, address);
            Posix.ioctl(fd, KvmUapi.KVM_SET_IDENTITY_MAP_ADDR(), p, "KVM_SET_IDENTITY_MAP_ADDR");
        }
    }

    /** In-kernel PIC, IOAPIC and per-vCPU LAPICs. */
    public void createIrqchip() {
        Posix.ioctl(fd, KvmUapi.KVM_CREATE_IRQCHIP(), 0, "KVM_CREATE_IRQCHIP");
    }

    /** In-kernel i8254 PIT. */
    public void createPit2(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = kvm_pit_config.allocate(a);
            kvm_pit_config.flags(c, flags);
            Posix.ioctl(fd, KvmUapi.KVM_CREATE_PIT2(), c, "KVM_CREATE_PIT2");
        }
    }

    /** KVM_GET_IRQCHIP: {@code chip} is a kvm_irqchip whose chip_id (PIC master, PIC slave, IOAPIC) is set. */
    public void getIrqchip(MemorySegment chip) { ioctlOrThrow(KvmUapi.KVM_GET_IRQCHIP(), chip, "KVM_GET_IRQCHIP"); }

    /** KVM_SET_IRQCHIP: loads the state of the chip named by {@code chip}'s chip_id. */
    public void setIrqchip(MemorySegment chip) { ioctlOrThrow(KvmUapi.KVM_SET_IRQCHIP(), chip, "KVM_SET_IRQCHIP"); }

    /** KVM_GET_PIT2 into a kvm_pit_state2. */
    public void getPit2(MemorySegment state) { ioctlOrThrow(KvmUapi.KVM_GET_PIT2(), state, "KVM_GET_PIT2"); }

    /** KVM_SET_PIT2 from a kvm_pit_state2. */
    public void setPit2(MemorySegment state) { ioctlOrThrow(KvmUapi.KVM_SET_PIT2(), state, "KVM_SET_PIT2"); }

    /**
     * Drives a GSI of the in-kernel irqchip to {@code level}. Each thread reuses its own
     * kvm_irq_level buffer, so device threads can raise lines without allocating per call.
     */
    public void irqLine(int gsi, boolean level) {
        MemorySegment l = irqLevelBuffer.get();
        l.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, gsi);
        kvm_irq_level.level(l, level ? 1 : 0);
        Posix.ioctl(fd, KvmUapi.KVM_IRQ_LINE(), l, "KVM_IRQ_LINE");
    }

    /** An eventfd wired to {@code gsi} with KVM_IRQFD; needs the in-kernel irqchip. Close it to unbind. */
    public Irqfd createIrqfd(int gsi) {
        int efd = Posix.eventfd(0, dev.panavisor.kvm.sys.Libc.EFD_CLOEXEC() | dev.panavisor.kvm.sys.Libc.EFD_NONBLOCK());
        Irqfd irqfd = new Irqfd(efd, gsi);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = kvm_irqfd.allocate(a);
            r.fill((byte) 0);
            kvm_irqfd.fd(r, efd);
            kvm_irqfd.gsi(r, gsi);
            Posix.ioctl(fd, KvmUapi.KVM_IRQFD(), r, "KVM_IRQFD");
            return irqfd;
        } catch (RuntimeException e) {
            irqfd.close();
            throw e;
        }
    }

    /** KVM_ENABLE_CAP on the VM with one argument; returns 0 or {@code -errno}. */
    public int enableCap(int capability, long arg0) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = kvm_enable_cap.allocate(a);
            kvm_enable_cap.cap(c, capability);
            kvm_enable_cap.args(c, 0, arg0);
            return ioctl(KvmUapi.KVM_ENABLE_CAP(), c);
        }
    }

    /** KVM_X86_SET_MSR_FILTER from a kvm_msr_filter: which guest MSR accesses KVM refuses (or, with user-space MSR exits, hands to the VMM). */
    public void setMsrFilter(MemorySegment kvmMsrFilter) {
        Posix.ioctl(fd, KvmUapi.KVM_X86_SET_MSR_FILTER(), kvmMsrFilter, "KVM_X86_SET_MSR_FILTER");
    }

    public VcpuFd createVcpu(int id) {
        int vcpu = Posix.ioctl(fd, KvmUapi.KVM_CREATE_VCPU(), id, "KVM_CREATE_VCPU");
        return new VcpuFd(vcpu, id, kvm.vcpuMmapSize());
    }

    /** KVM_MEMORY_ENCRYPT_OP with a kvm_sev_cmd or kvm_tdx_cmd; returns the result or {@code -errno}. */
    public int memoryEncryptOp(MemorySegment command) {
        return ioctl(KvmUapi.KVM_MEMORY_ENCRYPT_OP(), command);
    }
}
