/**
 * Port-I/O and MMIO buses: devices register address ranges, and vCPU threads dispatch
 * accesses to them without locks through an immutable, sorted table that is replaced
 * whole on each registration.
 */
package dev.panavisor.vmm.bus;
