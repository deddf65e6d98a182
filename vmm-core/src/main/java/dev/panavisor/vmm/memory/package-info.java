/**
 * Guest-physical memory: regions of host mappings and bounds-checked access to them.
 * Devices and loaders reach guest memory only through {@link dev.panavisor.vmm.memory.GuestMemory}.
 */
package dev.panavisor.vmm.memory;
