package dev.panavisor.vmm.cpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named CPU profile: edits to the CPUID KVM supports and MSR values that override the boot
 * defaults. Data only; {@link #applyTo(Cpuid)} and {@link #msrs(List)} are the whole applier.
 */
public record CpuTemplate(String name, String description, List<CpuidRule> cpuid, List<MsrValue> msrOverrides) {
    public CpuTemplate {
        cpuid = List.copyOf(cpuid);
        msrOverrides = List.copyOf(msrOverrides);
    }

    public void applyTo(Cpuid table) {
        for (CpuidRule r : cpuid) r.applyTo(table);
    }

    /** {@code defaults} with this template's values replacing those of the same MSR, and its extra MSRs appended. */
    public List<MsrValue> msrs(List<MsrValue> defaults) {
        Map<Integer, MsrValue> byIndex = new LinkedHashMap<>();
        for (MsrValue m : defaults) byIndex.put(m.index(), m);
        for (MsrValue m : msrOverrides) byIndex.put(m.index(), m);
        return new ArrayList<>(byIndex.values());
    }
}
