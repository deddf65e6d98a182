package dev.panavisor.confidential.launch;

import java.lang.foreign.MemorySegment;

/**
 * "Measured native": one launch fed to two contexts, a measuring one (SNP, TDX, SEV) that computes
 * the digest the platform's security processor would report, and a {@link NativeLaunch} that puts
 * the same pages into ordinary guest memory so the guest really runs them. The measurement is a
 * simulation: no hardware isolates or attests this guest.
 *
 * <p>The measuring context sees every call first, so a step the platform would refuse (a TDX VP
 * context, SNP-only page types elsewhere) fails before anything is written to guest memory.
 */
public final class MeasuredNativeLaunch implements LaunchContext {
    private final LaunchContext measuring;
    private final NativeLaunch loading;

    public MeasuredNativeLaunch(LaunchContext measuring, NativeLaunch loading) {
        if (measuring == null) throw new NullPointerException("measuring");
        if (loading == null) throw new NullPointerException("loading");
        this.measuring = measuring;
        this.loading = loading;
    }

    @Override
    public void start(LaunchPlatform platform, long policy) {
        measuring.start(platform, policy);
        loading.start(LaunchPlatform.NATIVE, 0);
    }

    @Override
    public void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        measuring.addPages(gpa, length, type, contents);
        loading.addPages(gpa, length, type, contents);
    }

    @Override
    public void addVpContext(int vpIndex, long gpa, MemorySegment context) {
        measuring.addVpContext(vpIndex, gpa, context);
        loading.addVpContext(vpIndex, gpa, context);
    }

    /** Finishes both; the measurement is the measuring context's. */
    @Override
    public LaunchMeasurement finish() {
        loading.finish();
        return measuring.finish();
    }

    /** The loader, for the VP contexts the VMM loads into its vCPUs. */
    public NativeLaunch loading() {
        return loading;
    }
}
