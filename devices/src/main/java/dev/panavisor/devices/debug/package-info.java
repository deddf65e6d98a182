/**
 * Test and bring-up ports compatible with QEMU's: {@link dev.panavisor.devices.debug.DebugExitPort}
 * lets a guest end the VM with a status (isa-debug-exit), and
 * {@link dev.panavisor.devices.debug.DebugConsolePort} takes bytes with a single {@code out}
 * instruction (debugcon), for guests too early or too small to drive a UART.
 */
package dev.panavisor.devices.debug;
