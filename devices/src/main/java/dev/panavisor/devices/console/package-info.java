/**
 * Where guest-visible character output goes: a {@link dev.panavisor.devices.console.ConsoleSink}
 * takes one byte at a time from a device on a vCPU thread, without allocating, and decides
 * itself when to push buffered bytes to the host.
 */
package dev.panavisor.devices.console;
