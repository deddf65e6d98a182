package dev.panavisor.confidential.launch;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.snp.SnpLaunchDigest;
import dev.panavisor.confidential.snp.SnpPageType;
import dev.panavisor.confidential.sev.VmsaLayout;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;

/**
 * An SEV-SNP launch computed in software: each call becomes the SNP_LAUNCH_UPDATE steps the PSP
 * would take (SNP ABI §8.17), chained by {@link SnpLaunchDigest}; {@link #finish} returns the
 * digest SNP_LAUNCH_FINISH would seal into the attestation report's MEASUREMENT.
 *
 * <p>VMSAs are measured when they are added, i.e. in call order. KVM itself measures VMSAs at
 * SNP_LAUNCH_FINISH, after all pages, so a launch description whose VP contexts come before
 * page data measures differently under KVM; files made by {@code igvm wrap} put them last.
 */
public final class SnpMeasuredLaunch implements LaunchContext {
    private static final MemorySegment ZERO_PAGE = MemorySegment.ofArray(new byte[(int) PAGE_SIZE]).asReadOnly();

    private final LaunchSteps steps = new LaunchSteps("SEV-SNP measured launch", EnumSet.of(LaunchPlatform.SEV_SNP));
    private final SnpLaunchConventions conventions;
    private final SnpLaunchDigest digest = new SnpLaunchDigest();
    private final MemorySegment partial = MemorySegment.ofArray(new byte[(int) PAGE_SIZE]);
    private final PageContentDigests precomputed;
    private SnpLaunchIdentity identity;
    private boolean identityMatched = true;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SnpMeasuredLaunch.class);

    public SnpMeasuredLaunch(SnpLaunchConventions conventions) {
        this(conventions, null);
    }

    /**
     * With page-contents digests computed ahead of time for the pages of an immutable image
     * ({@code precomputed} may be null). The chain is still extended page by page here, in call order.
     */
    public SnpMeasuredLaunch(SnpLaunchConventions conventions, PageContentDigests precomputed) {
        if (conventions == null) throw new NullPointerException("conventions");
        this.conventions = conventions;
        this.precomputed = precomputed;
    }

    /** With {@link SnpLaunchConventions#PANAVISOR}. */
    public SnpMeasuredLaunch() {
        this(SnpLaunchConventions.PANAVISOR);
    }

    @Override
    public void start(LaunchPlatform platform, long policy) {
        steps.start(platform);
    }

    @Override
    public void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        steps.page(gpa, length, type, contents);
        switch (type) {
            case NORMAL -> measuredContents(gpa, length, contents);
            case ZERO -> {
                if (conventions.zeroPages() == SnpLaunchConventions.ZeroPages.PSP_ZERO_FILL) {
                    digest.addPages(gpa, SnpPageType.ZERO, length);
                } else {
                    for (long off = 0; off < length; off += PAGE_SIZE) digest.addPage(gpa + off, SnpPageType.NORMAL, ZERO_PAGE);
                }
            }
            case UNMEASURED -> digest.addPages(gpa, SnpPageType.UNMEASURED, length);
            case SECRETS -> digest.addPages(gpa, SnpPageType.SECRETS, length);
            case CPUID -> digest.addPages(gpa, SnpPageType.CPUID, length);
            // Neither is launch data: shared pages stay unencrypted, required memory is only made private.
            case SHARED, REQUIRED -> { }
        }
    }

    @Override
    public void addVpContext(int vpIndex, long gpa, MemorySegment vmsa) {
        steps.vpContext(vpIndex, vmsa);
        if (vmsa.byteSize() != VmsaLayout.SIZE) {
            throw new LaunchMeasurementException("SEV-SNP VP " + vpIndex + ": a VMSA is " + VmsaLayout.SIZE
                    + " bytes, got " + vmsa.byteSize());
        }
        long at = conventions.vmsaGpa() == SnpLaunchConventions.VmsaGpa.KVM ? SnpLaunchDigest.KVM_VMSA_GPA : gpa;
        digest.addPage(at, SnpPageType.VMSA, vmsa);
    }

    /**
     * Measured native has no PSP to refuse a launch whose digest is not the one the guest owner
     * signed, so {@link #finish} checks ID_BLOCK.LD itself and warns: on SNP hardware such a launch
     * would fail at SNP_LAUNCH_FINISH (the guest still runs here; the log says why it would not there).
     */
    @Override
    public void expectIdentity(SnpLaunchIdentity identity) {
        this.identity = identity;
    }

    /** Whether the last finished launch's digest equals the ID block's LD (true without an ID block). */
    public boolean identityMatched() { return identityMatched; }

    @Override
    public LaunchMeasurement finish() {
        steps.finish();
        byte[] d = digest.digest();
        if (identity != null && !java.util.Arrays.equals(identity.expectedDigest(), d)) {
            identityMatched = false;
            LOG.warn("SEV-SNP ID block expects launch digest {} but the launch measures {}: SNP_LAUNCH_FINISH would refuse it on"
                    + " SNP hardware", java.util.HexFormat.of().formatHex(identity.expectedDigest()), java.util.HexFormat.of().formatHex(d));
        }
        return new LaunchMeasurement(LaunchPlatform.SEV_SNP, d, steps.pages(), steps.vpContexts());
    }

    private void measuredContents(long gpa, long length, MemorySegment contents) {
        for (long off = 0; off < length; off += PAGE_SIZE) {
            MemorySegment page = page(contents, off);
            byte[] known = precomputed == null || page == partial || page == ZERO_PAGE ? null : precomputed.find(page);
            if (known != null) {
                digest.extend(known, SnpPageType.NORMAL, gpa + off, false, 0, 0, 0);
            } else {
                digest.addPage(gpa + off, SnpPageType.NORMAL, page);
            }
        }
    }

    /** The page at {@code off} of {@code contents}, zero-padded where the contents end. */
    private MemorySegment page(MemorySegment contents, long off) {
        long available = Math.max(0, contents.byteSize() - off);
        if (available >= PAGE_SIZE) return contents.asSlice(off, PAGE_SIZE);
        if (available == 0) return ZERO_PAGE;
        partial.fill((byte) 0);
        MemorySegment.copy(contents, off, partial, 0, available);
        return partial;
    }
}
