/**
 * The {@code panavisor} command and what it ships: for now, the bare-metal test guests built
 * from {@code src/main/guest} ({@link dev.panavisor.launcher.GuestImages}) and the boot
 * contract they expect from the VMM ({@link dev.panavisor.launcher.GuestBootContract}).
 */
package dev.panavisor.launcher;
