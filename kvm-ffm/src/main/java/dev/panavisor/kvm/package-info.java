/**
 * Thin typed wrappers over the jextract bindings in {@code dev.panavisor.kvm.sys}:
 * file descriptors for /dev/kvm, VMs and vCPUs, the mmap'd {@code kvm_run} page,
 * and the few libc calls a VMM needs. Every failing call throws {@link dev.panavisor.kvm.KvmException}
 * naming the call and the errno. No VMM policy lives here.
 */
package dev.panavisor.kvm;
