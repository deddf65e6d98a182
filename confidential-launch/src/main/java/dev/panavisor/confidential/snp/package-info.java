/**
 * The AMD SEV-SNP launch digest (SEV Secure Nested Paging Firmware ABI Specification #56860,
 * §8.17 SNP_LAUNCH_UPDATE, §8.17.2 on the PAGE_INFO structure): a SHA-384 chain in which each
 * page the VMM adds to the guest before launch replaces the digest with the hash of a 0x70-byte
 * PAGE_INFO record holding the previous digest, a hash of the page, its type and its GPA.
 *
 * <p>{@link dev.panavisor.confidential.snp.SnpLaunchDigest} is the page-level engine, meant to be
 * driven in the order pages are added: by {@link dev.panavisor.confidential.snp.SnpOvmfLaunch}
 * from OVMF's SEV metadata (what {@code sev-snp-measure --ovmf} computes), and later by an IGVM
 * file's directives in file order.
 */
package dev.panavisor.confidential.snp;
