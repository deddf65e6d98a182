package dev.panavisor.confidential.tdx;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.firmware.ovmf.OvmfImage;
import dev.panavisor.firmware.ovmf.OvmfTableGuids;
import dev.panavisor.firmware.ovmf.TdvfMetadata;
import dev.panavisor.firmware.ovmf.TdvfSection;

import java.lang.foreign.MemorySegment;

/**
 * MRTD of a TDVF (TDX OVMF) launch as QEMU performs it: for each TDVF metadata section in
 * metadata order, one KVM_TDX_INIT_MEM_REGION that adds every page of the section and, when the
 * section has the MR.EXTEND attribute, extends it with the section's data from the image (zeros
 * past the raw data). Sections marked PAGE.AUG are left for the TD to accept after launch and
 * are not measured.
 */
public final class TdvfLaunch {
    private TdvfLaunch() {}

    public static byte[] measure(OvmfImage ovmf, TdxPageOrder order) {
        TdxMrtd mrtd = new TdxMrtd();
        addSections(mrtd, ovmf, order);
        return mrtd.digest();
    }

    /** Feeds the sections of {@code ovmf}'s TDVF metadata into {@code mrtd}. */
    public static void addSections(TdxMrtd mrtd, OvmfImage ovmf, TdxPageOrder order) {
        TdvfMetadata metadata = ovmf.findTdvfMetadata().orElseThrow(() -> new LaunchMeasurementException(
                "TDX launch of " + ovmf.name() + ": the firmware carries no TDVF metadata (footer table entry "
                        + OvmfTableGuids.TDX_METADATA_OFFSET + "); use an OVMF built with TDX support (e.g. IntelTdx"
                        + " or the combined OvmfPkgX64 OVMF.fd)"));
        for (TdvfSection section : metadata.sections()) {
            if (section.isPageAug()) continue;
            MemorySegment data = section.rawDataSize() == 0 ? null
                    : ovmf.image().slice(section.dataOffset(), section.rawDataSize(), "TDVF " + section.type() + " data");
            mrtd.addRegion(section.memoryAddress(), section.memoryDataSize(), data, section.extendsMrtd(), order);
        }
    }
}
