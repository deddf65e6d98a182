/**
 * Launching from IGVM files: {@link dev.panavisor.confidential.igvm.IgvmLaunchPlan} walks a
 * file's directives for one platform, in file order, and drives a
 * {@link dev.panavisor.confidential.launch.LaunchContext}; {@link dev.panavisor.confidential.igvm.FirmwareIgvm}
 * wraps classic firmware into IGVM files, supplying the VMSAs the firmware loader cannot build.
 */
package dev.panavisor.confidential.igvm;
