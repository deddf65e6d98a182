package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.Libc;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;
import dev.panavisor.kvm.sys.kvm_msr_list;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The /dev/kvm system fd: capability queries and VM creation. */
public final class Kvm extends OwnedFd {
    public static final Path DEVICE = Path.of("/dev/kvm");
    public static final int API_VERSION = 12;
    /** Enough for every CPUID leaf KVM reports today, with room to grow. */
    private static final int MAX_CPUID_ENTRIES = 256;

    private final int vcpuMmapSize;

    private Kvm(int fd) {
        super(fd, "/dev/kvm");
        try {
            int version = Posix.ioctl(fd, KvmUapi.KVM_GET_API_VERSION(), 0, "KVM_GET_API_VERSION");
            if (version != API_VERSION) {
                throw new KvmException("KVM_GET_API_VERSION", "kernel speaks KVM API " + version + ", Panavisor needs " + API_VERSION);
            }
            this.vcpuMmapSize = Posix.ioctl(fd, KvmUapi.KVM_GET_VCPU_MMAP_SIZE(), 0, "KVM_GET_VCPU_MMAP_SIZE");
        } catch (RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /** Opens /dev/kvm; a missing device or missing permission is a {@link KvmException} with a plain reason. */
    public static Kvm open() {
        if (!Files.exists(DEVICE)) throw new KvmException("open(/dev/kvm)", "no such device: this host has no KVM (is the kvm module loaded?)");
        return new Kvm(Posix.open(DEVICE.toString(), Libc.O_RDWR() | Libc.O_CLOEXEC()));
    }

    /** True when /dev/kvm exists and this process may open it. */
    public static boolean available() {
        return Files.isReadable(DEVICE) && Files.isWritable(DEVICE);
    }

    /** KVM_CHECK_EXTENSION on the system fd: 0 when absent, otherwise the capability's value. */
    public int checkExtension(int capability) {
        return Posix.ioctl(fd, KvmUapi.KVM_CHECK_EXTENSION(), capability, "KVM_CHECK_EXTENSION");
    }

    public int vcpuMmapSize() { return vcpuMmapSize; }

    /** Bit n set means VM type n (KVM_X86_*_VM) can be created; 1 (default only) on kernels without KVM_CAP_VM_TYPES. */
    public int supportedVmTypes() {
        int types = checkExtension(KvmUapi.PV_KVM_CAP_VM_TYPES());
        return types == 0 ? 1 << KvmUapi.PV_KVM_X86_DEFAULT_VM() : types;
    }

    /**
     * KVM_CREATE_VM, retried while it fails with EINTR: the kernel registers the new VM's MMU
     * notifier with {@code mm_take_all_locks}, which gives up as soon as any signal is pending
     * for the thread (a profiler's, one of the JVM's own), and a VM that failed that way left
     * nothing behind. Measured: about one start-up in six under a 10 kHz sampling profiler.
     */
    public VmFd createVm(int type) {
        MemorySegment capture = Posix.capture();
        int vm;
        do {
            vm = Posix.ioctlNoThrow(capture, fd, KvmUapi.KVM_CREATE_VM(), type);
        } while (vm == -Errno.EINTR);
        if (vm < 0) throw new KvmException("ioctl(KVM_CREATE_VM)", -vm);
        return new VmFd(vm, this);
    }

    public VmFd createVm() { return createVm(KvmUapi.PV_KVM_X86_DEFAULT_VM()); }

    /** KVM_GET_SUPPORTED_CPUID, copied into {@code arena} as a kvm_cpuid2 with its entries. */
    public MemorySegment supportedCpuid(Arena arena) {
        return cpuid2(arena, KvmUapi.KVM_GET_SUPPORTED_CPUID(), "KVM_GET_SUPPORTED_CPUID");
    }

    private MemorySegment cpuid2(Arena arena, long request, String name) {
        long size = kvm_cpuid2.sizeof() + MAX_CPUID_ENTRIES * kvm_cpuid_entry2.sizeof();
        MemorySegment buf = arena.allocate(size, 8);
        kvm_cpuid2.nent(buf, MAX_CPUID_ENTRIES);
        Posix.ioctl(fd, request, buf, name);
        return buf.asSlice(0, kvm_cpuid2.sizeof() + kvm_cpuid2.nent(buf) * kvm_cpuid_entry2.sizeof());
    }

    /** KVM_GET_MSR_INDEX_LIST: the MSRs KVM saves and restores for a vCPU. */
    public int[] msrIndexList() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment probe = a.allocate(kvm_msr_list.sizeof());
            int r = Posix.ioctlNoThrow(fd, KvmUapi.KVM_GET_MSR_INDEX_LIST(), probe);
            if (r < 0 && r != -Errno.E2BIG) throw new KvmException("ioctl(KVM_GET_MSR_INDEX_LIST)", -r);
            int n = kvm_msr_list.nmsrs(probe);
            MemorySegment list = a.allocate(kvm_msr_list.sizeof() + 4L * n, 8);
            kvm_msr_list.nmsrs(list, n);
            Posix.ioctl(fd, KvmUapi.KVM_GET_MSR_INDEX_LIST(), list, "KVM_GET_MSR_INDEX_LIST");
            return list.asSlice(kvm_msr_list.sizeof(), 4L * kvm_msr_list.nmsrs(list)).toArray(JAVA_INT);
        }
    }
}
