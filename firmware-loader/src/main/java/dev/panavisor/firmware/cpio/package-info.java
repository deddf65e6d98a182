/**
 * Writes cpio archives in the "newc" format (magic 070701) that the Linux kernel unpacks as
 * an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
 */
package dev.panavisor.firmware.cpio;
