package dev.panavisor.confidential.igvm;

import dev.panavisor.firmware.igvm.MemoryMapEntry;

import java.util.List;

/**
 * The runtime facts a VMM deposits into an IGVM file's parameter areas. Parameter areas are
 * inserted as unmeasured pages, so none of this changes a launch digest; it changes what the
 * guest finds.
 *
 * @param vcpus       how many vCPUs the VMM starts (the VP count parameter; VP contexts of
 *                    higher indices are skipped)
 * @param commandLine the command line parameter, or null to leave it empty
 * @param memoryMap   the memory map parameter (sorted; a terminating zero entry is added), or
 *                    empty to leave it zeroed
 */
public record IgvmLaunchParameters(int vcpus, String commandLine, List<MemoryMapEntry> memoryMap) {
    public IgvmLaunchParameters {
        if (vcpus < 1) throw new IllegalArgumentException("need at least one vCPU, got " + vcpus);
        memoryMap = List.copyOf(memoryMap);
    }

    public static IgvmLaunchParameters vcpus(int vcpus) {
        return new IgvmLaunchParameters(vcpus, null, List.of());
    }
}
