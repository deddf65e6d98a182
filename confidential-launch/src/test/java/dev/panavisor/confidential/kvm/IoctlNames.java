package dev.panavisor.confidential.kvm;

import dev.panavisor.kvm.sys.KvmUapi;

import java.util.List;
import java.util.Map;

/** Short names for recorded calls, so a whole sequence reads as one list in an assertion. */
final class IoctlNames {
    private static final Map<Long, String> REQUESTS = Map.ofEntries(
            Map.entry(KvmUapi.KVM_MEMORY_ENCRYPT_OP(), "ENCRYPT_OP"),
            Map.entry(KvmUapi.PV_KVM_CREATE_GUEST_MEMFD(), "CREATE_GUEST_MEMFD"),
            Map.entry(KvmUapi.PV_KVM_SET_USER_MEMORY_REGION2(), "SET_USER_MEMORY_REGION2"),
            Map.entry(KvmUapi.PV_KVM_SET_MEMORY_ATTRIBUTES(), "SET_MEMORY_ATTRIBUTES"),
            Map.entry((long) KvmUapi.KVM_CREATE_VCPU(), "CREATE_VCPU"),
            Map.entry(KvmUapi.KVM_GET_SREGS(), "GET_SREGS"),
            Map.entry(KvmUapi.KVM_SET_SREGS(), "SET_SREGS"),
            Map.entry(KvmUapi.KVM_SET_REGS(), "SET_REGS"),
            Map.entry(KvmUapi.KVM_SET_FPU(), "SET_FPU"),
            Map.entry(KvmUapi.KVM_SET_XCRS(), "SET_XCRS"),
            Map.entry(KvmUapi.KVM_SET_MSRS(), "SET_MSRS"),
            Map.entry(KvmUapi.KVM_SET_CPUID2(), "SET_CPUID2"));

    private IoctlNames() {}

    /** {@code "vm ENCRYPT_OP 101"}, {@code "vcpu0 SET_REGS"}. */
    static List<String> of(List<RecordingKvmTarget.Call> calls) {
        return calls.stream().map(c -> {
            String name = REQUESTS.getOrDefault(c.request(), "0x" + Long.toHexString(c.request()));
            return c.fd() + " " + name + (c.request() == KvmUapi.KVM_MEMORY_ENCRYPT_OP() ? " " + c.commandId() : "");
        }).toList();
    }
}
