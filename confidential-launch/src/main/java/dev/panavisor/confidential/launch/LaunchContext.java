package dev.panavisor.confidential.launch;

import java.lang.foreign.MemorySegment;

/**
 * Builds one confidential (or native) launch, step by step, in the order the caller gives:
 * {@link #start}, any number of {@link #addPages} and {@link #addVpContext}, then
 * {@link #finish}. The order of calls is the launch order; an implementation never reorders
 * what it is given, so a launch description (an IGVM file, OVMF metadata) alone decides it.
 *
 * <p>Implementations: measuring ones that compute what the platform's security processor would
 * ({@code SnpMeasuredLaunch}, {@code TdxMeasuredLaunch}, {@code SevMeasuredLaunch}), a native
 * one that only loads memory ({@code NativeLaunch}), and hardware backends that issue the
 * platform's launch commands (KVM SEV-SNP: SNP_LAUNCH_START / UPDATE / FINISH; KVM TDX:
 * INIT_VM, INIT_MEM_REGION, FINALIZE_VM). Each call maps onto one such command, so a backend
 * needs no look-ahead.
 *
 * <p>Contents are read during the call and not retained, unless an implementation documents
 * otherwise; segments may be slices of a mapped file. Not thread-safe.
 */
public interface LaunchContext {
    /** Page granularity of every GPA and length passed in. */
    long PAGE_SIZE = 4096;

    /**
     * Begins the launch. {@code policy} is the platform's guest policy word (SNP guest policy,
     * SEV policy, TDX TD attributes); measuring contexts do not hash it, hardware backends pass
     * it to the launch-start command.
     */
    void start(LaunchPlatform platform, long policy);

    /**
     * Adds {@code length} bytes of guest pages at {@code gpa}, both page aligned. {@code contents}
     * is required for types that {@linkplain LaunchPageType#takesContents() take contents} and
     * may be shorter than {@code length} (the rest is zero); it must be null for the others.
     */
    void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents);

    /**
     * Sets the initial state of vCPU {@code vpIndex}. {@code context} is in the platform's shape:
     * a 4 KiB VMSA for SEV-ES and SEV-SNP, an IGVM native x64 context page otherwise. {@code gpa}
     * is where the launch description asks the context page to live; KVM cannot honour it and
     * ignores it (KVM keeps VMSAs in host memory).
     */
    void addVpContext(int vpIndex, long gpa, MemorySegment context);

    /**
     * The guest owner's SEV-SNP ID block and authentication, for SNP_LAUNCH_FINISH, when the
     * launch description carries one. May come at any point before {@link #finish}; contexts that
     * do not launch SNP ignore it (the default).
     */
    default void expectIdentity(SnpLaunchIdentity identity) { }

    /** Ends the launch and reports its measurement. No further calls are allowed. */
    LaunchMeasurement finish();
}
