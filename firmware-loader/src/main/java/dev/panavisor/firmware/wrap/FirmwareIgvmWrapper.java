package dev.panavisor.firmware.wrap;

import dev.panavisor.firmware.igvm.GuestPolicy;
import dev.panavisor.firmware.igvm.IgvmBuilder;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.IgvmFormatException;
import dev.panavisor.firmware.igvm.PageData;
import dev.panavisor.firmware.igvm.PageDataFlags;
import dev.panavisor.firmware.igvm.PageDataType;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.igvm.RequiredMemory;
import dev.panavisor.firmware.ovmf.OvmfImage;
import dev.panavisor.firmware.ovmf.OvmfSevMetadata;
import dev.panavisor.firmware.ovmf.OvmfSevSection;
import dev.panavisor.firmware.ovmf.OvmfTableGuids;
import dev.panavisor.firmware.ovmf.TdvfMetadata;
import dev.panavisor.firmware.ovmf.TdvfSection;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Wraps PC firmware into an IGVM file for one platform, in the launch order the platform's
 * firmware-driven launch uses, so that the IGVM launch measures exactly like the classic one:
 * <ol>
 *   <li>the firmware's pages at their GPAs ({@link FirmwareRom}), as normal measured pages;</li>
 *   <li>SEV-SNP: each OVMF SEV metadata section in metadata order: pre-validated memory, the
 *       SVSM calling area and the kernel-hashes page as zero pages, the secrets page as a
 *       secrets page, the CPUID page as a CPUID page (all without file data);
 *       TDX: each TDVF section in metadata order, its raw data then zero pages to its memory
 *       size, flagged unmeasured unless the section has MR.EXTEND; PAGE.AUG sections become
 *       required memory;</li>
 *   <li>the vCPUs' initial state: SEV-ES/SNP VMSAs for VPs 0..n-1, supplied by the caller
 *       (this module does not know VMSA layouts); a native x64 reset context for VP 0 on the
 *       native platform; nothing for SEV (which cannot set register state) and TDX (whose
 *       vCPUs start in the architectural reset state).</li>
 * </ol>
 * VMSAs are placed at {@link #VMSA_GPA}, the GPA KVM measures them at, so loaders that measure
 * at the file's GPA and loaders that measure at KVM's agree.
 */
public final class FirmwareIgvmWrapper {
    /** Where the file says VMSAs go: KVM's VMSA measurement GPA. */
    public static final long VMSA_GPA = 0xFFFF_FFFF_F000L;

    private FirmwareIgvmWrapper() {}

    /**
     * @param vmsas      one 4 KiB VMSA per vCPU, VP 0 first: required for SEV-ES and SEV-SNP,
     *                   must be empty for the other platforms
     * @param guestPolicy the SEV-SNP guest policy written to the file (ignored for other platforms)
     */
    public static IgvmFile wrap(FirmwareRom rom, PlatformType platform, List<byte[]> vmsas, long guestPolicy) {
        return wrap(rom, platform, vmsas, guestPolicy, false);
    }

    /**
     * As {@link #wrap(FirmwareRom, PlatformType, List, long)}; with {@code plainRom}, an image without
     * OVMF's footer table is also wrapped for SEV-ES, SEV-SNP and TDX: just its pages (measured,
     * normal) and, for SEV-ES/SNP, the callers' VMSAs; for SNP also the guest policy. Nothing is
     * pre-validated and no CPUID or secrets page is added, because such a ROM declares none. This is
     * for test firmware and Panavisor's measured-native runs: real SEV-SNP or TDX hardware would not
     * run a legacy BIOS this way (TDX starts the BSP in 32-bit protected mode). OVMF images are
     * wrapped from their metadata whatever {@code plainRom} says.
     */
    public static IgvmFile wrap(FirmwareRom rom, PlatformType platform, List<byte[]> vmsas, long guestPolicy, boolean plainRom) {
        boolean needsVmsas = platform == PlatformType.SEV_ES || platform == PlatformType.SEV_SNP;
        if (needsVmsas && vmsas.isEmpty()) throw new WrapException(platform + " needs a VMSA for every vCPU, got none");
        if (!needsVmsas && !vmsas.isEmpty()) throw new WrapException(platform + " takes no VMSAs");
        if (rom.hasSeparateVars() && platform != PlatformType.NATIVE) {
            throw new WrapException("a separate variable store can only be wrapped for the native platform: "
                    + platform + " launches measure or encrypt every firmware page, so guest-written variables "
                    + "could not persist; use the unified OVMF.fd");
        }
        IgvmBuilder builder = IgvmBuilder.v1();
        int mask = builder.addPlatform(platform);
        boolean confidential = platform == PlatformType.SEV_ES || platform == PlatformType.SEV_SNP || platform == PlatformType.TDX;
        if (plainRom && confidential && rom.ovmf().isEmpty()) {
            if (platform == PlatformType.SEV_SNP) builder.add(new GuestPolicy(guestPolicy, mask));
            addRom(builder, rom, mask);
            addVmsas(builder, mask, vmsas);
        } else switch (platform) {
            case NATIVE -> {
                addRom(builder, rom, mask);
                builder.addNativeVpContext(mask, 0, X86ResetState.context());
            }
            case SEV -> addRom(builder, rom, mask);
            case SEV_ES -> {
                requireOvmf(rom, platform);
                addRom(builder, rom, mask);
                addVmsas(builder, mask, vmsas);
            }
            case SEV_SNP -> {
                OvmfSevMetadata metadata = requireOvmf(rom, platform).findSevMetadata().orElseThrow(() -> new WrapException(
                        rom.topImage().name() + " carries no OVMF SEV metadata (footer table entry "
                                + OvmfTableGuids.SEV_METADATA_OFFSET + "), so SEV-SNP has no pages to pre-validate"));
                builder.add(new GuestPolicy(guestPolicy, mask));
                addRom(builder, rom, mask);
                for (OvmfSevSection s : metadata.sections()) addSevSection(builder, mask, s, rom.topImage());
                addVmsas(builder, mask, vmsas);
            }
            case TDX -> {
                OvmfImage ovmf = requireOvmf(rom, platform);
                TdvfMetadata metadata = ovmf.findTdvfMetadata().orElseThrow(() -> new WrapException(
                        ovmf.name() + " carries no TDVF metadata (footer table entry " + OvmfTableGuids.TDX_METADATA_OFFSET
                                + "); use an OVMF built with TDX support"));
                for (TdvfSection s : metadata.sections()) addTdvfSection(builder, mask, s, ovmf);
            }
            case VSM_ISOLATION, CCA -> throw new WrapException("PC firmware cannot be wrapped for " + platform);
        }
        try {
            return builder.build();
        } catch (IgvmFormatException e) {
            throw new WrapException("the wrapped IGVM file breaks a format rule: " + e.getMessage());
        }
    }

    private static void addRom(IgvmBuilder builder, FirmwareRom rom, int mask) {
        for (RomRegion r : rom.regions()) {
            builder.addPages(r.gpa(), mask, PageDataType.NORMAL, PageDataFlags.NONE, r.contents());
        }
    }

    private static void addSevSection(IgvmBuilder builder, int mask, OvmfSevSection s, OvmfImage image) {
        if (s.gpa() % 4096 != 0 || s.size() % 4096 != 0) {
            throw new WrapException(image.name() + ": SEV metadata section " + s + " is not made of whole, aligned 4 KiB pages");
        }
        PageDataType type = switch (s.type()) {
            case SNP_SECRETS -> PageDataType.SECRETS;
            case CPUID -> PageDataType.CPUID_DATA;
            case SNP_SEC_MEMORY, SVSM_CAA, SNP_KERNEL_HASHES -> PageDataType.NORMAL;
        };
        for (long off = 0; off < s.size(); off += 4096) {
            builder.add(new PageData(s.gpa() + off, mask, 0, PageDataFlags.NONE, type));
        }
    }

    private static void addTdvfSection(IgvmBuilder builder, int mask, TdvfSection s, OvmfImage ovmf) {
        if (s.isPageAug()) {
            if (s.memoryDataSize() > 0xffff_ffffL) {
                throw new WrapException(ovmf.name() + ": TDVF section " + s + " is too large for one required-memory directive");
            }
            builder.add(new RequiredMemory(s.memoryAddress(), mask, s.memoryDataSize(), false));
            return;
        }
        PageDataFlags flags = new PageDataFlags(false, !s.extendsMrtd(), false);
        MemorySegment raw = s.rawDataSize() == 0 ? null
                : ovmf.image().slice(s.dataOffset(), s.rawDataSize(), "TDVF " + s.type() + " data");
        for (long off = 0; off < s.memoryDataSize(); off += 4096) {
            long gpa = s.memoryAddress() + off;
            long available = raw == null ? 0 : Math.max(0, raw.byteSize() - off);
            if (available == 0) {
                builder.add(new PageData(gpa, mask, 0, flags, PageDataType.NORMAL));
            } else {
                byte[] page = raw.asSlice(off, Math.min(4096, available)).toArray(ValueLayout.JAVA_BYTE);
                builder.addPageData(gpa, mask, PageDataType.NORMAL, flags, page);
            }
        }
    }

    private static void addVmsas(IgvmBuilder builder, int mask, List<byte[]> vmsas) {
        for (int vp = 0; vp < vmsas.size(); vp++) {
            if (vmsas.get(vp).length != 4096) throw new WrapException("VMSA for VP " + vp + " is not 4096 bytes");
            builder.addVmsaVpContext(mask, vp, VMSA_GPA, vmsas.get(vp));
        }
    }

    private static OvmfImage requireOvmf(FirmwareRom rom, PlatformType platform) {
        return rom.ovmf().orElseThrow(() -> new WrapException(rom.topImage().name()
                + " is not OVMF (no footer table 48 bytes before its end); " + platform
                + " needs firmware that declares its confidential-launch metadata (or a plain-ROM wrap)"));
    }
}
