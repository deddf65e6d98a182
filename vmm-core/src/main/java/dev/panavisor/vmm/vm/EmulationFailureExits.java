package dev.panavisor.vmm.vm;

import dev.panavisor.kvm.VmFd;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_enable_cap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * KVM_CAP_EXIT_ON_EMULATION_FAILURE (Documentation/virt/kvm/api.rst): without it, KVM may
 * handle an emulation failure on its own (e.g. by injecting #UD) instead of exiting with the
 * instruction bytes the fallback needs. Best effort: kernels without it exit as before.
 */
final class EmulationFailureExits {
    private EmulationFailureExits() {}

    static boolean enable(VmFd vm) {
        int cap = KvmUapi.KVM_CAP_EXIT_ON_EMULATION_FAILURE();
        if (vm.checkExtension(cap) <= 0) return false;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = kvm_enable_cap.allocate(a);
            kvm_enable_cap.cap(c, cap);
            kvm_enable_cap.args(c, 0, 1L);
            return vm.ioctl(KvmUapi.KVM_ENABLE_CAP(), c) == 0;
        }
    }
}
