/**
 * Measured direct boot for SEV guests: the SHA-256 hashes of kernel, initrd and command line
 * and the GUIDed table QEMU writes into the area OVMF reserves for it (OVMF's SEV hash table
 * block), so that the firmware can check what fw_cfg hands it against what the launch digest
 * covered. The layout matches QEMU's {@code target/i386/sev.c} byte for byte, because any
 * difference changes the launch measurement.
 */
package dev.panavisor.confidential.hashes;
