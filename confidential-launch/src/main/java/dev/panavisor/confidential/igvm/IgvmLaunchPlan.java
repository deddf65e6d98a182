package dev.panavisor.confidential.igvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.firmware.igvm.GuestPolicy;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.IgvmFormat;
import dev.panavisor.firmware.igvm.IgvmHeader;
import dev.panavisor.firmware.igvm.PageData;
import dev.panavisor.firmware.igvm.ParameterArea;
import dev.panavisor.firmware.igvm.ParameterInsert;
import dev.panavisor.firmware.igvm.ParameterUsage;
import dev.panavisor.firmware.igvm.PlatformType;
import dev.panavisor.firmware.igvm.RequiredMemory;
import dev.panavisor.confidential.snp.SnpIdBlockEncoding;
import dev.panavisor.firmware.igvm.SnpIdBlock;
import dev.panavisor.firmware.igvm.SupportedPlatform;
import dev.panavisor.firmware.igvm.VpContext;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Applies an IGVM file to a {@link LaunchContext} for one of the platforms it supports: the
 * headers carrying that platform's compatibility mask (plus the unmasked parameter headers) are
 * walked in file order and each becomes the launch step it describes. Nothing is reordered,
 * added or dropped on the VMM's initiative; the file alone decides the launch order, and the
 * context decides how each step is measured.
 *
 * <p>Steps: the guest policy starts the launch; page data is added one directive at a time with
 * its type ({@link IgvmPageTypes}); parameter areas are staged, filled by parameter directives
 * and added as unmeasured pages where inserted (IGVM: "parameter areas are imported as
 * unmeasured"); required memory is declared; VP contexts go in for the vCPUs being started.
 */
public final class IgvmLaunchPlan {
    private static final MemorySegment NO_CONTENTS = MemorySegment.ofArray(new byte[0]);

    private final IgvmFile file;
    private final SupportedPlatform platform;
    private final LaunchPlatform launchPlatform;

    private IgvmLaunchPlan(IgvmFile file, SupportedPlatform platform, LaunchPlatform launchPlatform) {
        this.file = file;
        this.platform = platform;
        this.launchPlatform = launchPlatform;
    }

    /** The plan for {@code type}; fails if the file does not support it. */
    public static IgvmLaunchPlan forPlatform(IgvmFile file, PlatformType type) {
        SupportedPlatform p = file.platform(type).orElseThrow(() -> new LaunchMeasurementException(
                "the IGVM file supports no " + type + " platform; it declares "
                        + file.platforms().stream().map(s -> s.platformType().toString()).collect(Collectors.joining(", "))));
        return new IgvmLaunchPlan(file, p, launchPlatform(type));
    }

    public LaunchPlatform launchPlatform() {
        return launchPlatform;
    }

    public int compatibilityMask() {
        return platform.compatibilityMask();
    }

    /** The guest policy the file sets for this platform, or 0. */
    public long policy() {
        return file.headersFor(platform.compatibilityMask()).stream()
                .filter(GuestPolicy.class::isInstance).map(GuestPolicy.class::cast)
                .reduce((a, b) -> b).map(GuestPolicy::policy).orElse(0L);
    }

    /** The VP indices the file gives a context for, in ascending order. */
    public List<Integer> vpIndices() {
        return List.copyOf(file.headersFor(platform.compatibilityMask()).stream()
                .filter(VpContext.class::isInstance).map(h -> ((VpContext) h).vpIndex())
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    /** Runs the whole launch through {@code context}, from start to finish. */
    public IgvmLaunchResult apply(LaunchContext context, IgvmLaunchParameters parameters) {
        requireVpContexts(parameters.vcpus());
        int mask = platform.compatibilityMask();
        ParameterAreas areas = new ParameterAreas(file, parameters);
        List<String> notes = new ArrayList<>();
        Optional<SnpIdBlock> idBlock = Optional.empty();
        context.start(launchPlatform, policy());
        for (IgvmHeader header : file.headersFor(mask)) {
            switch (header) {
                case PageData page -> addPage(context, page);
                case ParameterArea area -> areas.declare(area);
                case ParameterUsage usage -> areas.deposit(usage);
                case ParameterInsert insert -> {
                    MemorySegment data = areas.take(insert.parameterAreaIndex());
                    if (data.byteSize() > 0) {
                        context.addPages(insert.gpa(), data.byteSize(), LaunchPageType.UNMEASURED, data);
                    }
                }
                case RequiredMemory required -> {
                    if (required.numberOfBytes() > 0) {
                        context.addPages(required.gpa(), required.numberOfBytes(), LaunchPageType.REQUIRED, null);
                    }
                }
                case VpContext vp -> {
                    if (vp.vpIndex() < parameters.vcpus()) {
                        context.addVpContext(vp.vpIndex(), vp.gpa(), file.image().asSlice(vp.fileOffset(), IgvmFormat.PAGE_SIZE_4K));
                    } else {
                        notes.add("VP context for VP " + vp.vpIndex() + " skipped: only " + parameters.vcpus() + " vCPUs start");
                    }
                }
                case SnpIdBlock block -> {
                    if (idBlock.isPresent()) {
                        throw new LaunchMeasurementException("the IGVM file has more than one SNP ID block for " + platform.platformType()
                                + " (compatibility mask 0x" + Integer.toHexString(mask) + "); SNP_LAUNCH_FINISH takes one");
                    }
                    idBlock = Optional.of(block);
                    // SNP_LAUNCH_FINISH takes it; only SNP contexts use it.
                    if (launchPlatform == LaunchPlatform.SEV_SNP) context.expectIdentity(SnpIdBlockEncoding.encode(block, policy()));
                }
                // Platform headers, policy (already applied), relocation, CoRIM, error ranges, VBS
                // measurements and ignorable headers are not launch steps.
                default -> { }
            }
        }
        notes.addAll(0, areas.notes());
        return new IgvmLaunchResult(context.finish(), idBlock, notes);
    }

    private void addPage(LaunchContext context, PageData page) {
        LaunchPageType type = IgvmPageTypes.of(page);
        long size = page.flags().pageSize();
        MemorySegment contents = type.takesContents() ? file.pageContents(page).orElse(NO_CONTENTS) : null;
        context.addPages(page.gpa(), size, type, contents);
    }

    /** SEV-ES and SEV-SNP vCPUs cannot be set up after launch, so each one started needs a VMSA in the file. */
    private void requireVpContexts(int vcpus) {
        if (launchPlatform != LaunchPlatform.SEV_ES && launchPlatform != LaunchPlatform.SEV_SNP) return;
        List<Integer> have = vpIndices();
        for (int vp = 0; vp < vcpus; vp++) {
            if (!have.contains(vp)) {
                throw new LaunchMeasurementException(String.format(
                        "%s launch of %d vCPUs: the IGVM file has no VP context (VMSA) for VP %d; it has contexts for VPs %s",
                        platform.platformType(), vcpus, vp, have));
            }
        }
    }

    private static LaunchPlatform launchPlatform(PlatformType type) {
        return switch (type) {
            case NATIVE -> LaunchPlatform.NATIVE;
            case SEV -> LaunchPlatform.SEV;
            case SEV_ES -> LaunchPlatform.SEV_ES;
            case SEV_SNP -> LaunchPlatform.SEV_SNP;
            case TDX -> LaunchPlatform.TDX;
            case VSM_ISOLATION, CCA -> throw new LaunchMeasurementException(
                    "IGVM platform " + type + " is not one Panavisor can launch (native, SEV, SEV-ES, SEV-SNP, TDX)");
        };
    }
}
