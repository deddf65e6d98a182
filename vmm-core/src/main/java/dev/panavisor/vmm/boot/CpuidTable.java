package dev.panavisor.vmm.boot;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The CPUID a vCPU sees: KVM_GET_SUPPORTED_CPUID with the per-vCPU identity filled in.
 * KVM leaves APIC IDs to userspace; without them every vCPU claims to be CPU 0.
 */
public final class CpuidTable {
    private final MemorySegment supported;

    public CpuidTable(Kvm kvm, Arena arena) {
        this.supported = kvm.supportedCpuid(arena);
    }

    /** Installs the table on {@code vcpu}, with initial APIC ID = x2APIC ID = {@code apicId}. */
    public void applyTo(VcpuFd vcpu, int apicId) {
        try (Arena a = Arena.ofConfined()) {
            vcpu.setCpuid2(forVcpu(a, apicId));
        }
    }

    /**
     * The {@code kvm_cpuid2} (with its entries) that {@link #applyTo} installs for {@code apicId},
     * allocated in {@code arena}: for backends that hand the same table to KVM themselves or
     * derive data from it (the SEV-SNP CPUID page).
     */
    public MemorySegment forVcpu(Arena arena, int apicId) {
        MemorySegment copy = arena.allocate(supported.byteSize(), 8);
        copy.copyFrom(supported);
        int n = kvm_cpuid2.nent(copy);
        for (int i = 0; i < n; i++) {
            MemorySegment e = copy.asSlice(kvm_cpuid2.sizeof() + i * kvm_cpuid_entry2.sizeof(), kvm_cpuid_entry2.sizeof());
            int leaf = kvm_cpuid_entry2.function(e);
            switch (leaf) {
                // Intel SDM vol. 2A, CPUID leaf 01H: EBX[31:24] is the initial APIC ID.
                case 0x1 -> kvm_cpuid_entry2.ebx(e, (kvm_cpuid_entry2.ebx(e) & 0x00FFFFFF) | (apicId << 24));
                // Leaves 0BH/1FH: EDX is the x2APIC ID of the current logical processor.
                case 0xB, 0x1F -> kvm_cpuid_entry2.edx(e, apicId);
                default -> { }
            }
        }
        return copy;
    }
}
