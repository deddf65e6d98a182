package dev.panavisor.confidential.sev;

import dev.panavisor.confidential.internal.Digests;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;

/**
 * The SEV/SEV-ES launch digest: one running SHA-256 over the plaintext of every
 * LAUNCH_UPDATE_DATA and then, for SEV-ES, every LAUNCH_UPDATE_VMSA, in the order the VMM issues
 * them (SEV API #55766, "LAUNCH_UPDATE_DATA", "LAUNCH_UPDATE_VMSA"). This is the digest the PSP
 * folds into LAUNCH_MEASURE's HMAC together with the nonce and policy; a guest owner recomputes
 * it from the expected firmware.
 */
public final class SevLaunchDigest {
    private final MessageDigest running = Digests.sha256();
    private boolean vmsaSeen;

    /** Encrypted launch data, e.g. the firmware image or the kernel hash table. */
    public SevLaunchDigest addData(MemorySegment plaintext) {
        if (vmsaSeen) {
            // The PSP accepts LAUNCH_UPDATE_DATA only before the first LAUNCH_UPDATE_VMSA.
            throw new IllegalStateException("launch data must be added before any VMSA");
        }
        Digests.update(running, plaintext);
        return this;
    }

    /** One vCPU's VMSA page (SEV-ES only). */
    public SevLaunchDigest addVmsa(MemorySegment vmsa) {
        if (vmsa.byteSize() != VmsaLayout.SIZE) {
            throw new IllegalArgumentException("a VMSA is " + VmsaLayout.SIZE + " bytes, got " + vmsa.byteSize());
        }
        vmsaSeen = true;
        Digests.update(running, vmsa);
        return this;
    }

    /** The digest so far; further updates may follow. */
    public byte[] digest() {
        return Digests.peek(running);
    }
}
