package dev.panavisor.vmm.vcpu.fallback;

import dev.panavisor.kvm.sys.kvm_vcpu_events;

import java.lang.foreign.MemorySegment;

/** Marks an exception as injected in a kvm_vcpu_events read from the vCPU, for KVM_SET_VCPU_EVENTS. */
final class ExceptionInjection {
    private ExceptionInjection() {}

    /** {@code errorCode} below 0: the vector pushes none. */
    static void fill(MemorySegment events, int vector, int errorCode) {
        MemorySegment ex = kvm_vcpu_events.exception(events);
        kvm_vcpu_events.exception.injected(ex, (byte) 1);
        kvm_vcpu_events.exception.pending(ex, (byte) 0);
        kvm_vcpu_events.exception.nr(ex, (byte) vector);
        kvm_vcpu_events.exception.has_error_code(ex, (byte) (errorCode >= 0 ? 1 : 0));
        kvm_vcpu_events.exception.error_code(ex, Math.max(errorCode, 0));
        // Only the exception changes; flags 0 leaves NMI-pending, SIPI, SMM and shadow state alone.
        kvm_vcpu_events.flags(events, 0);
    }
}
