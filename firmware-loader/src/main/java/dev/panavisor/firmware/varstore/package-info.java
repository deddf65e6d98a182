/**
 * Read-only parsing of a UEFI non-volatile variable store as edk2's variable driver writes it
 * into flash (an {@code OVMF_VARS} image, or the variable region of a unified {@code OVMF.fd}):
 * the firmware volume that holds it, the variable store header and each variable record with
 * its state. Used to show and test what a firmware persisted; nothing here writes a store.
 */
package dev.panavisor.firmware.varstore;
