/** ACPI fixed hardware of a hardware-reduced platform: the sleep and reset registers. */
package dev.panavisor.devices.acpi;
