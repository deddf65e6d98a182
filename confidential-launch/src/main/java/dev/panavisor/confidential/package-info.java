/**
 * Launch measurements of confidential guests, computed ahead of launch so that a guest owner
 * can check an attestation report and a VMM can print what it is about to launch.
 *
 * <p>{@link dev.panavisor.confidential.LaunchMeasurements} is the facade for firmware-driven
 * launches (the {@code measure} CLI). The engines live in the subpackages and are page-level, so
 * that other launch descriptions (IGVM) can drive them: {@code snp} (SEV-SNP, SHA-384 chain),
 * {@code sev} (SEV and SEV-ES, SHA-256, plus VMSAs and vCPU models), {@code tdx} (MRTD) and
 * {@code hashes} (SEV measured direct boot).
 */
package dev.panavisor.confidential;
