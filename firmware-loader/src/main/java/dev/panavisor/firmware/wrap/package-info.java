/**
 * Wraps classic PC firmware (OVMF unified or CODE+VARS, SeaBIOS) into IGVM files for the
 * native, SEV, SEV-ES, SEV-SNP and TDX platforms. Pure: reads images, builds files, knows no
 * VMSA layout (callers pass VMSAs in) and no KVM.
 */
package dev.panavisor.firmware.wrap;
