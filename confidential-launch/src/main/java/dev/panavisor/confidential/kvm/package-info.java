/**
 * Hardware launch backends: {@link dev.panavisor.confidential.launch.LaunchContext}
 * implementations that build an SEV-SNP or TDX guest through KVM's launch commands
 * ({@link dev.panavisor.confidential.kvm.SnpKvmLaunch}, {@link dev.panavisor.confidential.kvm.TdxKvmLaunch}),
 * and {@link dev.panavisor.confidential.kvm.LaunchBackendSelector}, which picks them only when
 * the host's KVM offers the VM type. They speak to KVM only through
 * {@link dev.panavisor.kvm.IoctlTarget}s handed out by a {@link dev.panavisor.confidential.kvm.KvmLaunchTarget},
 * so the exact ioctl sequence is testable on hosts without the hardware.
 */
package dev.panavisor.confidential.kvm;
