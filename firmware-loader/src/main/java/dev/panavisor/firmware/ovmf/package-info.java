/**
 * Reads the metadata OVMF (edk2's virtual-machine firmware) leaves at the top of its flash
 * image for hypervisors: the GUIDed table that ends 32 bytes before the end of the image, and
 * the structures its entries point at.
 *
 * <p>{@link dev.panavisor.firmware.ovmf.OvmfImage} is the entry point. From the table it yields
 * the SEV-ES AP reset block, the SEV kernel-hash table and launch-secret blocks, the SEV
 * ("ASEV") metadata with the pages an SEV-SNP launch must pre-validate, and the TDX ("TDVF")
 * metadata with the sections a TDX launch must add to the TD. Everything is read with bounds
 * checks against the image; a malformed structure raises
 * {@link dev.panavisor.firmware.ovmf.OvmfFormatException} naming the structure and its image
 * offset, never an out-of-bounds access.
 *
 * <p>Facts come from edk2 ({@code OvmfPkg/ResetVector}: {@code Ia16/ResetVectorVtf0.asm},
 * {@code X64/OvmfSevMetadata.asm}, {@code X64/IntelTdxMetadata.asm}), the TDVF design guide,
 * and QEMU's {@code hw/i386/pc_sysfw_ovmf.c} and {@code hw/i386/tdvf.c}.
 */
package dev.panavisor.firmware.ovmf;
