/** Legacy PC input controllers: the 8042 keyboard controller and its reset line. */
package dev.panavisor.devices.input;
