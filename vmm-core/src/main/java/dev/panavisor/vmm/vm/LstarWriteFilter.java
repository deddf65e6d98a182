package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_msr_filter;
import dev.panavisor.kvm.sys.kvm_msr_filter_range;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The MSR filter the SYSCALL repair needs: the guest's writes of IA32_LSTAR leave KVM as
 * KVM_EXIT_X86_WRMSR (the VM must have enabled KVM_CAP_X86_USER_SPACE_MSR with the filter
 * reason); every other access, and every read, is KVM's as before (default allow).
 */
final class LstarWriteFilter {
    private static final int MSR_LSTAR = 0xC000_0082;

    private LstarWriteFilter() {}

    static void install(VmFd vm) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment filter = kvm_msr_filter.allocate(a);
            filter.fill((byte) 0);
            kvm_msr_filter.flags(filter, KvmUapi.KVM_MSR_FILTER_DEFAULT_ALLOW());
            // One MSR, its bitmap bit clear: denied to the guest, so the write exits to the VMM.
            MemorySegment bitmap = a.allocate(8);
            bitmap.fill((byte) 0);
            MemorySegment range = kvm_msr_filter.ranges(filter, 0);
            kvm_msr_filter_range.flags(range, KvmUapi.KVM_MSR_FILTER_WRITE());
            kvm_msr_filter_range.nmsrs(range, 1);
            kvm_msr_filter_range.base(range, MSR_LSTAR);
            kvm_msr_filter_range.bitmap(range, bitmap);
            vm.setMsrFilter(filter);
        }
    }
}
