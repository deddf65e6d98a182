package dev.panavisor.launcher;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.igvm.FirmwareIgvm;
import dev.panavisor.confidential.igvm.IgvmLaunchParameters;
import dev.panavisor.confidential.igvm.IgvmLaunchPlan;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.MeasuredNativeLaunch;
import dev.panavisor.confidential.launch.NativeLaunch;
import dev.panavisor.confidential.launch.PageContentDigests;
import dev.panavisor.confidential.launch.SnpLaunchConventions;
import dev.panavisor.confidential.launch.SevMeasuredLaunch;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.launch.TdxMeasuredLaunch;
import dev.panavisor.confidential.sev.SevVcpus;
import dev.panavisor.confidential.sev.VcpuType;
import dev.panavisor.devices.vmfwupdate.ImageFormat;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.IgvmFormatException;
import dev.panavisor.firmware.igvm.IgvmReader;
import dev.panavisor.firmware.igvm.PageData;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.igvm.VpContext;
import dev.panavisor.firmware.ovmf.FirmwareImage;
import dev.panavisor.firmware.wrap.FirmwareRom;
import dev.panavisor.firmware.wrap.WrapException;
import dev.panavisor.vmm.memory.GuestMemory;
import dev.panavisor.vmm.memory.GuestRegion;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Puts firmware into the pc machine for one platform: a platform ROM straight into the firmware
 * region, or an IGVM file through its launch plan. Native launches only load; snp, sev-es, sev and
 * tdx are "measured native": the pages go into ordinary memory and a software model of the
 * platform's security processor computes the launch digest step by step. Nothing here is
 * isolated or attested.
 *
 * <p>The firmware region is the host memory behind flash unit 0 (ending at 4 GiB); launches reach
 * it and RAM through one {@link GuestMemory}, so every page is bounds-checked.
 */
final class FirmwareInstaller {
    /** Firmware region bytes not covered by an image read as erased flash. */
    static final byte ERASED = (byte) 0xFF;
    /** SEV-ES/SNP VMSAs for a wrapped ROM use this CPU model's signature (what QEMU's default EPYC-v4 reports). */
    static final String WRAP_VCPU_TYPE = "EPYC-v4";
    static final long WRAP_SEV_FEATURES = 0x1;

    /** What a launch produced: the measurement, where each vCPU starts, and what was launched. */
    record Launched(LaunchMeasurement measurement, List<VpEntryPoint> entries, String imageKind, String sha256) {
        Launched {
            entries = List.copyOf(entries);
        }
    }

    private final LaunchPlatform platform;
    private final int vcpus;
    private final MemorySegment region;
    private final long regionBase;
    private final GuestMemory launchMemory;

    FirmwareInstaller(LaunchPlatform platform, int vcpus, GuestMemory ram, MemorySegment firmwareRegion, long regionBase) {
        this.platform = platform;
        this.vcpus = vcpus;
        this.region = firmwareRegion;
        this.regionBase = regionBase;
        List<GuestRegion> regions = new ArrayList<>(ram.regions());
        regions.add(new GuestRegion("firmware", regionBase, firmwareRegion, false, -1));
        this.launchMemory = new GuestMemory(regions);
    }

    LaunchPlatform platform() { return platform; }

    boolean measured() { return platform != LaunchPlatform.NATIVE; }

    /**
     * Installs a raw platform ROM ending at 4 GiB. Native: copied straight from {@code rom} (a view
     * of guest RAM or the host's image) into the firmware region; the machine's power-on copies its
     * tail to the legacy alias below 1 MiB. Measured: wrapped into IGVM as {@code igvm wrap --plain-rom}
     * does (OVMF from its metadata, any other ROM as its pages plus a reset VMSA) and launched
     * through the plan, so the digest is what {@code measure --igvm} gives for that wrap.
     */
    Launched installRom(MemorySegment rom, String name) {
        return installRom(rom, name, null, null);
    }

    /**
     * The launch-independent work for an image, done off the reset path by {@link PreparedFirmware}:
     * its SHA-256; the IGVM to launch (parsed, or a measured ROM wrapped as {@code igvm wrap
     * --plain-rom} does); and for measured platforms the SHA-384 of every page of that IGVM.
     */
    PreparedFirmware.Prepared prepare(ImageFormat format, MemorySegment bytes, String name) {
        String sha = sha256(bytes);
        IgvmFile file = format == ImageFormat.IGVM ? parse(bytes) : measured() ? wrap(bytes, name) : null;
        PageContentDigests digests = null;
        if (measured() && file != null) {
            digests = new PageContentDigests(file.image());
            List<MemorySegment> pages = new ArrayList<>();
            for (PageData p : file.headers(PageData.class)) {
                file.pageContents(p).filter(c -> c.byteSize() == LaunchContext.PAGE_SIZE).ifPresent(pages::add);
            }
            digests.addAll(pages);
        }
        return new PreparedFirmware.Prepared(sha, file, digests);
    }

    /** As {@link #installRom(MemorySegment, String)}, from a prepared private copy. */
    Launched installRom(PreparedFirmware rom) {
        PreparedFirmware.Prepared p = rom.prepared();
        if (!measured()) return installRom(rom.bytes(), rom.name(), p.sha256(), null);
        checkRomSize(rom.bytes().byteSize());
        Launched l = launch(p.launchFile(), p.pageDigests());
        return new Launched(l.measurement(), l.entries(), "rom", p.sha256());
    }

    private void checkRomSize(long size) {
        // Page granularity only: the host's own images need not be 64 KiB multiples (OVMF_CODE_4M.fd
        // is 0x37c000 bytes); guest-staged ROMs were already held to 64 KiB by the update engine.
        if (size == 0 || size % 4096 != 0 || size > region.byteSize()) {
            throw new IllegalArgumentException(String.format("a platform ROM of 0x%x bytes does not fit: it must be a non-zero multiple"
                    + " of 4 KiB and at most the 0x%x-byte firmware region", size, region.byteSize()));
        }
    }

    private Launched installRom(MemorySegment rom, String name, String knownSha256, PageContentDigests digests) {
        long size = rom.byteSize();
        checkRomSize(size);
        String sha = knownSha256 != null ? knownSha256 : sha256(rom);
        if (!measured()) {
            region.asSlice(0, region.byteSize() - size).fill(ERASED);
            MemorySegment.copy(rom, 0, region, region.byteSize() - size, size);
            return new Launched(LaunchMeasurement.unmeasured(size / 4096, 0), resetEntries(), "rom", sha);
        }
        Launched l = launch(wrap(rom, name), digests);
        return new Launched(l.measurement(), l.entries(), "rom", sha);
    }

    private IgvmFile wrap(MemorySegment rom, String name) {
        try {
            FirmwareRom fw = FirmwareRom.of(FirmwareImage.of(rom, name), null);
            return FirmwareIgvm.wrap(fw, platformType(), SevVcpus.of(vcpus, VcpuType.fromQemuName(WRAP_VCPU_TYPE)),
                    WRAP_SEV_FEATURES, FirmwareIgvm.DEFAULT_SNP_POLICY, true);
        } catch (WrapException | LaunchMeasurementException e) {
            throw new IllegalArgumentException("the platform ROM cannot be wrapped for a " + platform + " launch: " + e.getMessage(), e);
        }
    }

    /** Parses {@code igvm} (a view of guest RAM or of the host's file) and launches it. */
    Launched installIgvm(MemorySegment igvm) {
        IgvmFile file = parse(igvm);
        Launched l = launch(file, null);
        return new Launched(l.measurement(), l.entries(), "igvm", sha256(igvm));
    }

    /** Launches a prepared IGVM copy: parsed, hashed and its pages digested already. */
    Launched installIgvm(PreparedFirmware igvm) {
        PreparedFirmware.Prepared p = igvm.prepared();
        Launched l = launch(p.launchFile(), p.pageDigests());
        return new Launched(l.measurement(), l.entries(), "igvm", p.sha256());
    }

    static IgvmFile parse(MemorySegment igvm) {
        try {
            return IgvmReader.strict().read(igvm);
        } catch (IgvmFormatException e) {
            throw new IllegalArgumentException("not a valid IGVM file: " + e.getMessage(), e);
        }
    }

    private Launched launch(IgvmFile file, PageContentDigests digests) {
        PlatformType type = platformType();
        IgvmLaunchPlan plan = IgvmLaunchPlan.forPlatform(file, type);
        List<VpEntryPoint> entries = entries(file, plan);
        region.fill(ERASED);
        NativeLaunch loader = new NativeLaunch(launchMemory);
        LaunchContext context = measured() ? new MeasuredNativeLaunch(loader, measuring(digests)) : loader;
        LaunchMeasurement m = plan.apply(context, IgvmLaunchParameters.vcpus(vcpus)).measurement();
        return new Launched(m, entries, "igvm", "");
    }

    private List<VpEntryPoint> entries(IgvmFile file, IgvmLaunchPlan plan) {
        List<VpEntryPoint> out = new ArrayList<>(resetEntries());
        for (var h : file.headersFor(plan.compatibilityMask())) {
            if (h instanceof VpContext vp && vp.vpIndex() < vcpus) out.set(vp.vpIndex(), VpEntryPoint.of(file.vpContextData(vp)));
        }
        return out;
    }

    private List<VpEntryPoint> resetEntries() {
        List<VpEntryPoint> out = new ArrayList<>(vcpus);
        for (int i = 0; i < vcpus; i++) out.add(VpEntryPoint.RESET);
        return out;
    }

    /** Only SNP uses precomputed page digests: TDX's MR.EXTEND hashes 256-byte chunks with their GPA, SEV one running hash. */
    private LaunchContext measuring(PageContentDigests digests) {
        return switch (platform) {
            case SEV_SNP -> new SnpMeasuredLaunch(SnpLaunchConventions.PANAVISOR, digests);
            case TDX -> new TdxMeasuredLaunch();
            case SEV, SEV_ES -> new SevMeasuredLaunch();
            case NATIVE -> throw new IllegalStateException("native launches are not measured");
        };
    }

    PlatformType platformType() {
        return switch (platform) {
            case NATIVE -> PlatformType.NATIVE;
            case SEV -> PlatformType.SEV;
            case SEV_ES -> PlatformType.SEV_ES;
            case SEV_SNP -> PlatformType.SEV_SNP;
            case TDX -> PlatformType.TDX;
        };
    }

    /**
     * The firmware region an IGVM file needs: from its lowest page in the top 16 MiB below 4 GiB up
     * to 4 GiB, in 64 KiB blocks, and at least {@code minimum} so later updates have room.
     */
    static long regionSizeFor(IgvmFile file, long minimum) {
        long low = PcMemoryMap.FOUR_GIB;
        for (PageData p : file.headers(PageData.class)) {
            if (p.gpa() >= PcMemoryMap.FOUR_GIB - PcMemoryMap.FLASH_LIMIT && p.gpa() < PcMemoryMap.FOUR_GIB) low = Math.min(low, p.gpa());
        }
        long size = (PcMemoryMap.FOUR_GIB - (low & ~0xFFFFL));
        return Math.max(size, minimum);
    }

    static String sha256(MemorySegment bytes) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(bytes.asByteBuffer());
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    long regionBase() { return regionBase; }
}
