package dev.panavisor.confidential.igvm;

import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.firmware.igvm.SnpIdBlock;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of applying an IGVM file: the context's measurement, the SNP ID block the file
 * carries for the platform (for SNP_LAUNCH_FINISH), and what the loader could not do (parameters
 * it left zeroed, VP contexts beyond the vCPU count).
 */
public record IgvmLaunchResult(LaunchMeasurement measurement, Optional<SnpIdBlock> idBlock, List<String> notes) {
    public IgvmLaunchResult {
        notes = List.copyOf(notes);
    }
}
