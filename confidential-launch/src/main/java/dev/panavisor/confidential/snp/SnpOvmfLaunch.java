package dev.panavisor.confidential.snp;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.hashes.KernelHashes;
import dev.panavisor.confidential.hashes.SevHashTable;
import dev.panavisor.confidential.sev.ResetVmsa;
import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.confidential.sev.VmmFlavor;
import dev.panavisor.firmware.ovmf.OvmfImage;
import dev.panavisor.firmware.ovmf.OvmfSevMetadata;
import dev.panavisor.firmware.ovmf.OvmfSevSection;
import dev.panavisor.firmware.ovmf.OvmfSevSectionType;
import dev.panavisor.firmware.ovmf.OvmfTableGuids;
import dev.panavisor.firmware.ovmf.SevEsResetBlock;
import dev.panavisor.firmware.ovmf.SevHashTableBlock;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Drives {@link SnpLaunchDigest} for an OVMF boot the way QEMU launches it (and sev-snp-measure
 * models it): every page of the flash image as a normal page at its address below 4 GiB; then
 * each SEV metadata section in metadata order, typed by its kind; then one VMSA per vCPU.
 *
 * <p>Per section: pre-validated firmware memory and the SVSM calling area are zero pages; the
 * secrets and CPUID sections are secrets and CPUID pages; the kernel-hashes section is a normal
 * page holding the SEV hash table when a kernel is measured, else zero pages. Cloud flavors
 * deviate: GCE adds the firmware's early memory unmeasured, EC2 adds the CPUID page last.
 */
public final class SnpOvmfLaunch {
    private SnpOvmfLaunch() {}

    /**
     * The launch digest.
     *
     * @param guestFeatures the VMSA's SEV_FEATURES (bit 0 SNP active, 1 vTOM, ... as in the APM)
     * @param hashes        the kernel hashes for measured direct boot, or null
     */
    public static byte[] measure(OvmfImage ovmf, SevVcpus vcpus, long guestFeatures, KernelHashes hashes) {
        SnpLaunchDigest digest = new SnpLaunchDigest();
        addFirmware(digest, ovmf, ovmf.defaultLoadAddress());
        return finish(digest, ovmf, vcpus, guestFeatures, hashes);
    }

    /**
     * The launch digest continuing from a precomputed digest of the firmware pages
     * ({@link #firmwareDigest}); the image is still needed for its metadata.
     */
    public static byte[] measureFromFirmwareDigest(byte[] firmwareDigest, OvmfImage ovmf, SevVcpus vcpus,
                                                   long guestFeatures, KernelHashes hashes) {
        return finish(SnpLaunchDigest.continuingFrom(firmwareDigest), ovmf, vcpus, guestFeatures, hashes);
    }

    /** The digest after the firmware pages only (sev-snp-measure's "snp:ovmf-hash"). */
    public static byte[] firmwareDigest(OvmfImage ovmf) {
        SnpLaunchDigest digest = new SnpLaunchDigest();
        addFirmware(digest, ovmf, ovmf.defaultLoadAddress());
        return digest.digest();
    }

    /** Adds the flash image as normal pages from {@code loadAddress}. */
    public static void addFirmware(SnpLaunchDigest digest, OvmfImage ovmf, long loadAddress) {
        if (ovmf.size() % SnpLaunchDigest.PAGE_SIZE != 0) {
            throw new LaunchMeasurementException(String.format(
                    "SEV-SNP launch of %s: the image is 0x%x bytes, not a whole number of 4 KiB pages",
                    ovmf.name(), ovmf.size()));
        }
        digest.addPages(loadAddress, SnpPageType.NORMAL, ovmf.image().segment());
    }

    private static byte[] finish(SnpLaunchDigest digest, OvmfImage ovmf, SevVcpus vcpus, long guestFeatures,
                                 KernelHashes hashes) {
        addMetadataPages(digest, ovmf, vcpus.vmm(), hashes);
        addVmsas(digest, ovmf, vcpus, guestFeatures);
        return digest.digest();
    }

    /** Adds the pages the SEV metadata lists, in its order. */
    public static void addMetadataPages(SnpLaunchDigest digest, OvmfImage ovmf, VmmFlavor vmm, KernelHashes hashes) {
        OvmfSevMetadata metadata = ovmf.findSevMetadata().orElseThrow(() -> new LaunchMeasurementException(
                "SEV-SNP launch of " + ovmf.name() + ": the firmware carries no OVMF SEV metadata (footer table entry "
                        + OvmfTableGuids.SEV_METADATA_OFFSET
                        + "), so it cannot tell which pages to pre-validate; use an OVMF built with SEV-SNP support"));
        if (hashes != null && !metadata.has(OvmfSevSectionType.SNP_KERNEL_HASHES)) {
            throw new LaunchMeasurementException("SEV-SNP launch of " + ovmf.name()
                    + ": a kernel was given for measured direct boot, but the firmware's SEV metadata has no "
                    + "SNP_KERNEL_HASHES section; use an OVMF built with kernel hashes support, e.g. OvmfPkg/AmdSev");
        }
        for (OvmfSevSection section : metadata.sections()) {
            checkSection(ovmf, section);
            switch (section.type()) {
                case SNP_SEC_MEMORY -> digest.addPages(section.gpa(),
                        vmm == VmmFlavor.GCE ? SnpPageType.UNMEASURED : SnpPageType.ZERO, section.size());
                case SNP_SECRETS -> digest.addPages(section.gpa(), SnpPageType.SECRETS, section.size());
                case CPUID -> {
                    if (vmm != VmmFlavor.EC2) digest.addPages(section.gpa(), SnpPageType.CPUID, section.size());
                }
                case SNP_KERNEL_HASHES -> {
                    if (hashes == null) {
                        digest.addPages(section.gpa(), SnpPageType.ZERO, section.size());
                    } else {
                        digest.addPages(section.gpa(), SnpPageType.NORMAL, kernelHashesPages(ovmf, section, hashes));
                    }
                }
                case SVSM_CAA -> digest.addPages(section.gpa(), SnpPageType.ZERO, section.size());
            }
        }
        if (vmm == VmmFlavor.EC2) {
            for (OvmfSevSection cpuid : metadata.sectionsOf(OvmfSevSectionType.CPUID)) {
                digest.addPages(cpuid.gpa(), SnpPageType.CPUID, cpuid.size());
            }
        }
    }

    /** Adds the BSP's VMSA, then one per AP. */
    public static void addVmsas(SnpLaunchDigest digest, OvmfImage ovmf, SevVcpus vcpus, long guestFeatures) {
        Optional<SevEsResetBlock> reset = ovmf.findSevEsResetBlock();
        if (vcpus.count() > 1 && reset.isEmpty()) {
            throw new LaunchMeasurementException("SEV-SNP launch of " + ovmf.name() + " with " + vcpus.count()
                    + " vCPUs: the firmware has no SEV-ES AP reset block, so the APs' VMSAs have no entry point");
        }
        digest.addVmsa(ResetVmsa.bsp(guestFeatures, vcpus.signature(), vcpus.vmm()));
        if (vcpus.count() > 1) {
            MemorySegment ap = ResetVmsa.ap(reset.get(), guestFeatures, vcpus.signature(), vcpus.vmm());
            for (int i = 1; i < vcpus.count(); i++) digest.addVmsa(ap);
        }
    }

    /** The kernel-hashes section's pages: zeros with the hash table at the hash table block's address. */
    private static MemorySegment kernelHashesPages(OvmfImage ovmf, OvmfSevSection section, KernelHashes hashes) {
        SevHashTableBlock area = SevHashTable.requireArea(ovmf, "SEV-SNP");
        long offset = area.base() - section.gpa();
        if (offset < 0 || offset + SevHashTable.PADDED_SIZE > section.size()) {
            throw new LaunchMeasurementException(String.format(
                    "SEV-SNP launch of %s: the SEV hash table at 0x%x does not lie within the SNP_KERNEL_HASHES "
                            + "section [0x%x, 0x%x)", ovmf.name(), area.base(), section.gpa(), section.endGpa()));
        }
        MemorySegment pages = MemorySegment.ofArray(new byte[Math.toIntExact(section.size())]);
        SevHashTable.encodeInto(hashes, pages, offset);
        return pages;
    }

    private static void checkSection(OvmfImage ovmf, OvmfSevSection section) {
        if (section.gpa() % SnpLaunchDigest.PAGE_SIZE != 0 || section.size() % SnpLaunchDigest.PAGE_SIZE != 0) {
            throw new LaunchMeasurementException(String.format(
                    "SEV-SNP launch of %s: SEV metadata section %s is not made of whole, aligned 4 KiB pages",
                    ovmf.name(), section));
        }
    }
}
