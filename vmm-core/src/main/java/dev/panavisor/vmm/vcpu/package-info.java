/**
 * vCPU threads: the KVM_RUN loop, exit dispatch to the buses, and the lock-free
 * control channel (pause, resume, stop) into each vCPU.
 */
package dev.panavisor.vmm.vcpu;
