package dev.panavisor.confidential.launch;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * "Measured native": the guest is loaded into an ordinary, unencrypted VM by a
 * {@link NativeLaunch}, while a measuring context ({@link SnpMeasuredLaunch},
 * {@link TdxMeasuredLaunch}) is fed the same steps and computes the digest the isolation hardware
 * would produce. Every call goes to the measuring context first, so it refuses what the platform
 * cannot launch before memory is touched. The result is labelled
 * {@link LaunchMeasurement.Provenance#SIMULATED}: nothing here is encrypted or attested.
 */
public final class MeasuredNativeLaunch implements LaunchContext {
    private final NativeLaunch memory;
    private final LaunchContext measuring;

    public MeasuredNativeLaunch(NativeLaunch memory, LaunchContext measuring) {
        if (memory == null || measuring == null) throw new NullPointerException();
        this.memory = memory;
        this.measuring = measuring;
    }

    @Override
    public void start(LaunchPlatform platform, long policy) {
        measuring.start(platform, policy);
        memory.start(LaunchPlatform.NATIVE, 0);
    }

    @Override
    public void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        measuring.addPages(gpa, length, type, contents);
        memory.addPages(gpa, length, type, contents);
    }

    @Override
    public void expectIdentity(SnpLaunchIdentity identity) {
        measuring.expectIdentity(identity);
    }

    @Override
    public void addVpContext(int vpIndex, long gpa, MemorySegment context) {
        measuring.addVpContext(vpIndex, gpa, context);
        memory.addVpContext(vpIndex, gpa, context);
    }

    @Override
    public LaunchMeasurement finish() {
        LaunchMeasurement m = measuring.finish();
        memory.finish();
        return m.withProvenance(LaunchMeasurement.Provenance.SIMULATED);
    }

    /** The VP context given for {@code vpIndex} (a VMSA for SEV-SNP), for the VMM to load into its vCPU. */
    public Optional<MemorySegment> vpContext(int vpIndex) {
        return memory.vpContext(vpIndex);
    }

    /** The loader, for the VMM to read back what it put where. */
    public NativeLaunch loading() {
        return memory;
    }
}
