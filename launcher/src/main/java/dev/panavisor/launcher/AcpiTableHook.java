package dev.panavisor.launcher;

import dev.panavisor.vmm.memory.GuestMemory;

/**
 * Where the microvm machine's ACPI tables (FADT with the PM registers for a clean power-off,
 * MADT, DSDT) get written. Without them the guest finds its CPUs and I/O APIC through the MP
 * table and cannot power off; the ACPI builders plug in here.
 */
@FunctionalInterface
interface AcpiTableHook {
    /**
     * Writes the tables into [base, base + limit) and returns the RSDP's guest-physical address,
     * or 0 when there are no tables.
     */
    long writeTables(GuestMemory memory, long base, long limit, int vcpus);

    AcpiTableHook NONE = (memory, base, limit, vcpus) -> 0;
}
