package dev.panavisor.confidential.kvm;

import dev.panavisor.kvm.IoctlTarget;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_sev_cmd;
import dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_update;
import dev.panavisor.kvm.sys.pv_kvm_tdx_init_mem_region;
import dev.panavisor.kvm.sys.pv_kvm_tdx_cmd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake KVM that records every ioctl a launch backend issues (which fd, request, the argument
 * struct's bytes and, for KVM_MEMORY_ENCRYPT_OP, the bytes of the command's own struct as they
 * were when issued), and answers through a scriptable {@link Kernel}: 0 by default, fd numbers
 * for KVM_CREATE_GUEST_MEMFD, the entry count for KVM_SET_MSRS.
 */
final class RecordingKvmTarget implements KvmLaunchTarget {
    static final int SEV_FD = 77;
    static final int FIRST_GUEST_MEMFD = 100;
    /** Stand-in request number for KVM_CREATE_VCPU, which takes an int, not a struct. */
    static final long CREATE_VCPU = KvmUapi.KVM_CREATE_VCPU();

    /** One ioctl: fd ("vm", "vcpu0", ...), request, argument bytes, command struct bytes (encrypt ops). */
    record Call(String fd, long request, byte[] arg, byte[] data) {
        ByteBuffer argLe() { return ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN); }
        ByteBuffer dataLe() { return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN); }
        int commandId() { return argLe().getInt(0); }
    }

    /** Decides the result of a call; may write into {@code arg} / {@code data} as the kernel would. */
    interface Kernel {
        /** Returns the ioctl result or {@code -errno}, or {@link Integer#MIN_VALUE} for the default answer. */
        int answer(String fd, long request, MemorySegment arg, MemorySegment data);
    }

    final List<Call> calls = new ArrayList<>();
    final List<String> adopted = new ArrayList<>();
    private final Kernel kernel;
    private int nextGuestMemfd = FIRST_GUEST_MEMFD;

    RecordingKvmTarget(Kernel kernel) {
        this.kernel = kernel;
    }

    RecordingKvmTarget() {
        this((fd, request, arg, data) -> Integer.MIN_VALUE);
    }

    @Override
    public IoctlTarget vm() {
        return (request, arg) -> handle("vm", request, arg);
    }

    @Override
    public IoctlTarget createVcpu(int index) {
        calls.add(new Call("vm", CREATE_VCPU, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(index).array(), new byte[0]));
        String name = "vcpu" + index;
        return (request, arg) -> handle(name, request, arg);
    }

    @Override
    public void adopt(int fd, String what) {
        adopted.add(fd + " " + what);
    }

    @Override
    public int sevFd() {
        return SEV_FD;
    }

    private int handle(String fd, long request, MemorySegment arg) {
        MemorySegment data = MemorySegment.NULL;
        if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP()) data = commandData(arg);
        calls.add(new Call(fd, request, arg.toArray(ValueLayout.JAVA_BYTE), data.toArray(ValueLayout.JAVA_BYTE)));
        int r = kernel.answer(fd, request, arg, data);
        if (r != Integer.MIN_VALUE) return r;
        if (request == KvmUapi.PV_KVM_CREATE_GUEST_MEMFD()) return nextGuestMemfd++;
        if (request == KvmUapi.KVM_SET_MSRS()) return arg.get(ValueLayout.JAVA_INT, 0);
        if (request == KvmUapi.KVM_MEMORY_ENCRYPT_OP()) completeRange(arg, data);
        return 0;
    }

    /** As the kernel does on success: the whole remaining range processed, the struct advanced past it. */
    private static void completeRange(MemorySegment cmd, MemorySegment data) {
        if (kvm_sev_cmd.id(cmd) == 101) {
            long len = pv_kvm_sev_snp_launch_update.len(data);
            pv_kvm_sev_snp_launch_update.gfn_start(data, pv_kvm_sev_snp_launch_update.gfn_start(data) + len / 4096);
            if (pv_kvm_sev_snp_launch_update.type(data) != 3) {
                pv_kvm_sev_snp_launch_update.uaddr(data, pv_kvm_sev_snp_launch_update.uaddr(data) + len);
            }
            pv_kvm_sev_snp_launch_update.len(data, 0);
        } else if (pv_kvm_tdx_cmd.id(cmd) == 3) {
            long bytes = pv_kvm_tdx_init_mem_region.nr_pages(data) * 4096;
            pv_kvm_tdx_init_mem_region.source_addr(data, pv_kvm_tdx_init_mem_region.source_addr(data) + bytes);
            pv_kvm_tdx_init_mem_region.gpa(data, pv_kvm_tdx_init_mem_region.gpa(data) + bytes);
            pv_kvm_tdx_init_mem_region.nr_pages(data, 0);
        }
    }

    /** The command's struct, sized by what the command takes (amd-memory-encryption.rst, intel-tdx.rst). */
    private static MemorySegment commandData(MemorySegment cmd) {
        // kvm_sev_cmd and kvm_tdx_cmd are both 24 bytes with the id first; the id ranges do not overlap.
        if (kvm_sev_cmd.id(cmd) >= 22) {
            long size = switch (kvm_sev_cmd.id(cmd)) {
                case 22 -> 48;   // kvm_sev_init
                case 100 -> 64;  // kvm_sev_snp_launch_start
                case 101 -> 64;  // kvm_sev_snp_launch_update
                case 102 -> 88;  // kvm_sev_snp_launch_finish
                default -> 0;
            };
            return MemorySegment.ofAddress(kvm_sev_cmd.data(cmd)).reinterpret(size);
        }
        long size = switch (pv_kvm_tdx_cmd.id(cmd)) {
            case 0 -> 2048 + 8 + 256 * 40L;  // kvm_tdx_capabilities + cpuid room
            case 1 -> 256 + 8;               // kvm_tdx_init_vm head + kvm_cpuid2 header (no entries in these tests)
            case 3 -> 24;                    // kvm_tdx_init_mem_region
            default -> 0;                    // INIT_VCPU and FINALIZE_VM carry an immediate
        };
        return size == 0 ? MemorySegment.NULL : MemorySegment.ofAddress(pv_kvm_tdx_cmd.data(cmd)).reinterpret(size);
    }

    List<Call> encryptOps() {
        return calls.stream().filter(c -> c.request() == KvmUapi.KVM_MEMORY_ENCRYPT_OP()).toList();
    }
}
