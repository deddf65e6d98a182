package dev.panavisor.launcher;

import dev.panavisor.vmm.vm.Vm;

/**
 * How the microvm machine gets its ACPI tables (FADT with the sleep registers for a clean
 * power-off, MADT, DSDT) and the registers they point at. Without tables the guest finds its
 * CPUs and I/O APIC through the MP table and cannot power off.
 */
@FunctionalInterface
interface AcpiTableHook {
    /**
     * Writes the tables into [base, base + limit) of the VM's memory, registers whatever device
     * they describe, and returns the RSDP's guest-physical address, or 0 when there are no tables.
     */
    long install(Vm vm, long base, long limit, int vcpus);

    AcpiTableHook NONE = (vm, base, limit, vcpus) -> 0;
}
