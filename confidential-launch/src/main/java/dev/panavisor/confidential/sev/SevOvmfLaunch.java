package dev.panavisor.confidential.sev;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.hashes.KernelHashes;
import dev.panavisor.confidential.hashes.SevHashTable;
import dev.panavisor.firmware.ovmf.OvmfImage;
import dev.panavisor.firmware.ovmf.SevEsResetBlock;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The SEV and SEV-ES launch digests of an OVMF boot as QEMU performs it: LAUNCH_UPDATE_DATA over
 * the whole flash image, then (measured direct boot) over the padded kernel hash table at the
 * address of OVMF's hash table block, then for SEV-ES one LAUNCH_UPDATE_VMSA per vCPU, BSP first.
 * SEV-ES VMSAs carry no SEV features: those are an SEV-SNP notion.
 */
public final class SevOvmfLaunch {
    private SevOvmfLaunch() {}

    /** SEV: firmware and optional kernel hash table. {@code hashes} may be null. */
    public static byte[] sev(OvmfImage ovmf, KernelHashes hashes) {
        return measureData(ovmf, hashes, new SevLaunchDigest(), "SEV").digest();
    }

    /** SEV-ES: firmware, optional kernel hash table, then the vCPUs' VMSAs. {@code hashes} may be null. */
    public static byte[] sevEs(OvmfImage ovmf, SevVcpus vcpus, KernelHashes hashes) {
        SevLaunchDigest digest = measureData(ovmf, hashes, new SevLaunchDigest(), "SEV-ES");
        Optional<SevEsResetBlock> reset = ovmf.findSevEsResetBlock();
        if (vcpus.count() > 1 && reset.isEmpty()) {
            throw new LaunchMeasurementException("SEV-ES launch of " + ovmf.name() + " with " + vcpus.count()
                    + " vCPUs: the firmware has no SEV-ES AP reset block, so the APs' VMSAs have no entry point");
        }
        digest.addVmsa(ResetVmsa.bsp(0, vcpus.signature(), vcpus.vmm()));
        if (vcpus.count() > 1) {
            MemorySegment ap = ResetVmsa.ap(reset.get(), 0, vcpus.signature(), vcpus.vmm());
            for (int i = 1; i < vcpus.count(); i++) digest.addVmsa(ap);
        }
        return digest.digest();
    }

    private static SevLaunchDigest measureData(OvmfImage ovmf, KernelHashes hashes, SevLaunchDigest digest, String mode) {
        digest.addData(ovmf.image().segment());
        if (hashes != null) {
            SevHashTable.requireArea(ovmf, mode);
            digest.addData(MemorySegment.ofArray(SevHashTable.encode(hashes)));
        }
        return digest;
    }
}
