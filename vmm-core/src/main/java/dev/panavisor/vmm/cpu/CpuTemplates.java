package dev.panavisor.vmm.cpu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.panavisor.vmm.cpu.CpuidEntry.Register.EAX;
import static dev.panavisor.vmm.cpu.CpuidEntry.Register.EBX;
import static dev.panavisor.vmm.cpu.CpuidEntry.Register.ECX;
import static dev.panavisor.vmm.cpu.CpuidEntry.Register.EDX;

/** The templates {@code --cpu-template} offers. */
public final class CpuTemplates {
    private CpuTemplates() {}

    /** KVM paravirt features, leaf 0x40000001 EAX (Documentation/virt/kvm/x86/cpuid.rst). */
    public static final int KVM_CPUID_FEATURES = 0x40000001;
    public static final int KVM_FEATURE_PV_SEND_IPI = 1 << 11;
    public static final int KVM_FEATURE_PV_SCHED_YIELD = 1 << 13;

    /** What KVM supports, untouched. */
    public static final CpuTemplate NONE = new CpuTemplate("none", "the CPUID KVM supports, unchanged", List.of(), List.of());

    /**
     * Hides PV IPI and PV sched-yield. On hosts whose KVM only emulates (kvm_pvm) the guest's
     * hypercalls for them never return, so a guest using them hangs at its first IPI.
     */
    public static final CpuTemplate HOST_SAFE = new CpuTemplate("host-safe",
            "KVM's CPUID without the PV IPI and PV sched-yield paravirt features (default)",
            List.of(CpuidRule.clearBits(KVM_CPUID_FEATURES, EAX, KVM_FEATURE_PV_SEND_IPI | KVM_FEATURE_PV_SCHED_YIELD)),
            List.of());

    /** Family 6, model 0x55, stepping 4: the signature of Intel's Skylake server parts. */
    static final int SKYLAKE_SERVER_SIGNATURE = 0x00050654;
    static final String SKYLAKE_BRAND = "Intel(R) Xeon(R) Processor (Skylake, pinned)";

    /**
     * Pins the identity a guest sees, as Firecracker's T2-style templates do, so a guest (and
     * its licensing or tuning logic) sees the same CPU on any host: signature and brand string.
     * Features are still the host's as KVM reports them, minus those {@link #HOST_SAFE} hides.
     */
    public static final CpuTemplate PINNED_SKYLAKE = new CpuTemplate("pinned-skylake",
            "host-safe, and the CPU identifies as a Skylake server (family 6 model 0x55 stepping 4)",
            pinnedRules(), List.of());

    private static List<CpuidRule> pinnedRules() {
        List<CpuidRule> rules = new ArrayList<>(HOST_SAFE.cpuid());
        // Leaf 1 EAX: stepping[3:0] model[7:4] family[11:8] type[13:12] ext model[19:16] ext family[27:20].
        rules.add(new CpuidRule(0x1, CpuidRule.ANY_INDEX, EAX, 0x0FFF3FFF, SKYLAKE_SERVER_SIGNATURE));
        rules.addAll(brandString(SKYLAKE_BRAND));
        return rules;
    }

    /** Leaves 0x80000002-4: the 48-byte, NUL-padded brand string, four bytes per register. */
    static List<CpuidRule> brandString(String brand) {
        byte[] b = java.util.Arrays.copyOf(brand.getBytes(StandardCharsets.US_ASCII), 48);
        if (brand.length() > 47) throw new IllegalArgumentException("brand string longer than 47 characters");
        List<CpuidRule> rules = new ArrayList<>();
        CpuidEntry.Register[] regs = {EAX, EBX, ECX, EDX};
        for (int leaf = 0; leaf < 3; leaf++) {
            for (int r = 0; r < 4; r++) {
                int at = leaf * 16 + r * 4;
                int v = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
                rules.add(CpuidRule.set(0x80000002 + leaf, regs[r], v));
            }
        }
        return rules;
    }

    public static final CpuTemplate DEFAULT = HOST_SAFE;

    public static final Map<String, CpuTemplate> ALL = java.util.stream.Stream.of(NONE, HOST_SAFE, PINNED_SKYLAKE)
            .collect(Collectors.toMap(CpuTemplate::name, t -> t, (a, b) -> a, java.util.LinkedHashMap::new));

    public static CpuTemplate named(String name) {
        CpuTemplate t = ALL.get(name);
        if (t == null) throw new IllegalArgumentException("unknown CPU template '" + name + "'; choose one of " + String.join(", ", ALL.keySet()));
        return t;
    }
}
