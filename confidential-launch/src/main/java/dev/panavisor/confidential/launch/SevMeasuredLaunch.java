package dev.panavisor.confidential.launch;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.sev.SevLaunchDigest;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;

/**
 * An SEV or SEV-ES launch computed in software: measured pages become LAUNCH_UPDATE_DATA (their
 * plaintext, zeros included, goes into the running SHA-256), VMSAs of an SEV-ES launch become
 * LAUNCH_UPDATE_VMSA. Unmeasured pages are simply not encrypted with the launch key, which is
 * what QEMU does for them. Plain SEV cannot set register state, so its VP contexts are accepted
 * and left out of the digest.
 */
public final class SevMeasuredLaunch implements LaunchContext {
    private final LaunchSteps steps = new LaunchSteps("SEV/SEV-ES measured launch",
            EnumSet.of(LaunchPlatform.SEV, LaunchPlatform.SEV_ES));
    private final SevLaunchDigest digest = new SevLaunchDigest();
    private final MemorySegment zeros = MemorySegment.ofArray(new byte[(int) PAGE_SIZE]).asReadOnly();

    @Override
    public void start(LaunchPlatform platform, long policy) {
        steps.start(platform);
    }

    @Override
    public void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        steps.page(gpa, length, type, contents);
        try {
            addData(gpa, length, type, contents);
        } catch (IllegalStateException e) {
            throw new LaunchMeasurementException(steps.platform() + " launch: pages at 0x" + Long.toHexString(gpa)
                    + " come after a VMSA; the PSP takes no LAUNCH_UPDATE_DATA after LAUNCH_UPDATE_VMSA");
        }
    }

    private void addData(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        switch (type) {
            case NORMAL -> {
                digest.addData(contents);
                addZeros(length - contents.byteSize());
            }
            case ZERO -> addZeros(length);
            case SECRETS, CPUID -> throw new LaunchMeasurementException(steps.platform() + " launch: " + type
                    + " pages at 0x" + Long.toHexString(gpa) + " exist only under SEV-SNP");
            case UNMEASURED, SHARED, REQUIRED -> { }
        }
    }

    @Override
    public void addVpContext(int vpIndex, long gpa, MemorySegment context) {
        steps.vpContext(vpIndex, context);
        if (steps.platform() == LaunchPlatform.SEV_ES) {
            try {
                digest.addVmsa(context);
            } catch (IllegalArgumentException e) {
                throw new LaunchMeasurementException("SEV-ES VP " + vpIndex + ": " + e.getMessage());
            }
        }
    }

    @Override
    public LaunchMeasurement finish() {
        steps.finish();
        return new LaunchMeasurement(steps.platform(), digest.digest(), steps.pages(), steps.vpContexts());
    }

    private void addZeros(long length) {
        for (long left = length; left > 0; left -= PAGE_SIZE) {
            digest.addData(zeros.asSlice(0, Math.min(PAGE_SIZE, left)));
        }
    }
}
