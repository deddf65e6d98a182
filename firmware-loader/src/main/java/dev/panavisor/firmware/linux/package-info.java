/**
 * Linux kernel images for direct boot: the bzImage setup header of the x86 boot protocol
 * (Documentation/arch/x86/boot.rst) and ELF vmlinux files with a Xen PVH entry note.
 * Pure parsing; nothing here touches guest memory or KVM.
 */
package dev.panavisor.firmware.linux;
