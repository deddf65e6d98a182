/**
 * Intel TDX build-time measurement, MRTD (Intel TDX Module Base Architecture Specification,
 * "Measurement and Attestation": MRTD; ABI leaves TDH.MEM.PAGE.ADD and TDH.MR.EXTEND).
 *
 * <p>Unlike SEV-SNP's chain, MRTD is one running SHA-384 that the TDX module finalizes at
 * TDH.MR.FINALIZE. TDH.MEM.PAGE.ADD feeds it a 128-byte record naming the page's GPA only;
 * TDH.MR.EXTEND feeds a 128-byte record naming a 256-byte chunk's GPA followed by the chunk.
 * {@link dev.panavisor.confidential.tdx.TdxMrtd} is the page-level engine;
 * {@link dev.panavisor.confidential.tdx.TdvfLaunch} drives it from a TDVF image's metadata as
 * QEMU does, and IGVM directives will drive it the same way.
 */
package dev.panavisor.confidential.tdx;
