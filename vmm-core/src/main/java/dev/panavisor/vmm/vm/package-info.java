/** A VM's lifecycle: creation, memory slots, vCPU threads, reset and teardown. */
package dev.panavisor.vmm.vm;
