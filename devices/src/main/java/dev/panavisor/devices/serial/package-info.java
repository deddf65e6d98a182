/**
 * A 16550A UART ({@link dev.panavisor.devices.serial.Uart16550}), the PC's COM port, modelled
 * register by register from the National/TI PC16550D datasheet so that unmodified guest
 * drivers (polled or interrupt-driven, FIFO or 16450 mode) behave as on hardware.
 *
 * <p>The model has no baud clock: a transmitted byte leaves at once, and the receiver's
 * four-character timeout counts as elapsed whenever the guest next looks. Everything else
 * a driver can observe follows the datasheet.
 */
package dev.panavisor.devices.serial;
