package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;

/**
 * An SEV-ES/SEV-SNP VMSA page, left as bytes: its layout is AMD's and is consumed by the launch code
 * as a whole page.
 *
 * @param page a read-only 4K slice of the image
 */
public record VmsaVpContext(MemorySegment page) implements VpContextData {}
