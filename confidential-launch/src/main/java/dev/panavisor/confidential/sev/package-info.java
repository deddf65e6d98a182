/**
 * AMD SEV and SEV-ES launch digests, and the pieces SEV-ES and SEV-SNP share: the initial VMSA
 * of each vCPU and the vCPU models whose CPUID signature it carries.
 *
 * <p>SEV's digest is SHA-256 over everything the VMM encrypts with LAUNCH_UPDATE_DATA, in
 * order; SEV-ES adds every vCPU's VMSA (LAUNCH_UPDATE_VMSA) after the data (AMD SEV API
 * #55766, "LAUNCH_UPDATE_DATA", "LAUNCH_UPDATE_VMSA", "LAUNCH_MEASURE"). The OVMF-driven
 * launch reproduces what QEMU encrypts: the firmware image, then for measured direct boot the
 * kernel hash table. {@link dev.panavisor.confidential.sev.SevLaunchDigest} is the engine,
 * {@link dev.panavisor.confidential.sev.SevOvmfLaunch} drives it for OVMF.
 */
package dev.panavisor.confidential.sev;
