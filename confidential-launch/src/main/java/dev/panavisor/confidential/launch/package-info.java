/**
 * One interface for building a launch, {@link dev.panavisor.confidential.launch.LaunchContext}
 * (start, add pages by type, add VP contexts, finish with a measurement), and its software
 * implementations: {@link dev.panavisor.confidential.launch.SnpMeasuredLaunch},
 * {@link dev.panavisor.confidential.launch.TdxMeasuredLaunch},
 * {@link dev.panavisor.confidential.launch.SevMeasuredLaunch} compute the digest the platform
 * would, {@link dev.panavisor.confidential.launch.NativeLaunch} loads memory without measuring.
 * Hardware backends (KVM SEV-SNP, KVM TDX) implement the same interface elsewhere.
 *
 * <p>A measured launch here is a computation, not an attestation: it says which digest a
 * correctly behaving platform would report for these steps, nothing more.
 */
package dev.panavisor.confidential.launch;
