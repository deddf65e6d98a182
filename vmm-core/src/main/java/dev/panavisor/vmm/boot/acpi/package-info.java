/**
 * Minimal ACPI tables for a microVM, built as bytes: RSDP, XSDT, a hardware-reduced FADT, a DSDT
 * whose only object is {@code \_S5}, and a MADT. Pure code; {@link dev.panavisor.vmm.boot.acpi.AcpiTables}
 * lays them out for one guest-physical base address. Section numbers refer to the ACPI
 * Specification 6.5.
 */
package dev.panavisor.vmm.boot.acpi;
