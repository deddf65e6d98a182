package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.launch.LaunchContext;
import dev.panavisor.confidential.launch.LaunchMeasurement;
import dev.panavisor.confidential.launch.SnpLaunchIdentity;
import dev.panavisor.confidential.launch.LaunchPageType;
import dev.panavisor.confidential.launch.LaunchPlatform;
import dev.panavisor.confidential.launch.SnpLaunchConventions;
import dev.panavisor.confidential.launch.SnpMeasuredLaunch;
import dev.panavisor.confidential.snp.SnpCpuidCorrections;
import dev.panavisor.confidential.snp.SnpCpuidPage;
import dev.panavisor.kvm.IoctlTarget;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.pv_kvm_sev_init;
import dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_finish;
import dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_start;
import dev.panavisor.kvm.sys.pv_kvm_sev_snp_launch_update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;

/**
 * An SEV-SNP launch through KVM (Documentation/virt/kvm/x86/amd-memory-encryption.rst), on a VM
 * created with type KVM_X86_SNP_VM:
 * <ol>
 * <li>{@link #start}: KVM_SEV_INIT2 (vmsa_features, GHCB version), KVM_SEV_SNP_LAUNCH_START (policy,
 *     GOSVW), then guest RAM (a guest_memfd per region, KVM_SET_USER_MEMORY_REGION2) and the vCPUs,
 *     each given the machine's CPUID table (KVM_SET_CPUID2) when the options carry one.</li>
 * <li>{@link #addPages}: KVM_SET_MEMORY_ATTRIBUTES(PRIVATE) over the range, then
 *     KVM_SEV_SNP_LAUNCH_UPDATE with its SNP page type, repeated until KVM reports the whole range
 *     done (KVM may process part of a range and return 0 with gfn_start/uaddr/len advanced, or
 *     -EAGAIN). Shared pages are written into the shared view; required memory is only made private.
 *     CPUID pages are filled from the options ({@link SnpKvmOptions#withCpuidTable}); one the PSP
 *     refuses fails the launch with {@link SnpCpuidRejectedException}, naming what the PSP corrected.</li>
 * <li>{@link #addVpContext}: the VMSA becomes vCPU register state ({@link VmsaVcpuState}), since
 *     KVM builds and measures VMSAs itself at LAUNCH_FINISH; VMSAs KVM cannot reproduce are refused.</li>
 * <li>{@link #finish}: KVM_SEV_SNP_LAUNCH_FINISH with the ID block and host data.</li>
 * </ol>
 * KVM does not return the launch digest. {@link #finish} reports the digest the PSP should have
 * computed, from an {@link SnpMeasuredLaunch} fed the same steps in the order KVM issues them
 * (VMSAs last, in vCPU order), labelled {@link LaunchMeasurement.Provenance#EXPECTED}: the guest's
 * attestation report is the only proof of the real one. Not thread-safe.
 */
public final class SnpKvmLaunch implements LaunchContext {
    private static final Logger log = LoggerFactory.getLogger(SnpKvmLaunch.class);
    /** Rounds of EAGAIN/EINTR, or of success without progress, before a LAUNCH_UPDATE is given up. */
    static final int MAX_STALLED_ROUNDS = 64;

    private final KvmLaunchTarget target;
    private final SnpKvmOptions options;
    private final SnpMeasuredLaunch expected = new SnpMeasuredLaunch(SnpLaunchConventions.PANAVISOR);
    private final PrivateGuestMemory memory;
    private final List<IoctlTarget> vcpus = new ArrayList<>();
    private final VmsaVcpuState[] vmsas;
    private SevCommands sev;
    private boolean started;
    private boolean finished;
    private Optional<SnpKvmOptions.IdBlock> identity = Optional.empty();

    public SnpKvmLaunch(KvmLaunchTarget target, SnpKvmOptions options) {
        if (target == null || options == null) throw new NullPointerException();
        this.target = target;
        this.options = options;
        this.memory = new PrivateGuestMemory(target, options.ram(), "SEV-SNP KVM launch");
        this.vmsas = new VmsaVcpuState[options.vcpus()];
    }

    @Override
    public void start(LaunchPlatform platform, long policy) {
        expected.start(platform, policy);
        started = true;
        sev = new SevCommands(target.vm(), target.sevFd());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment init = pv_kvm_sev_init.allocate(a);
            init.fill((byte) 0);
            pv_kvm_sev_init.vmsa_features(init, options.vmsaFeatures());
            pv_kvm_sev_init.flags(init, 0);
            pv_kvm_sev_init.ghcb_version(init, (short) options.ghcbVersion());
            sev.issue(KvmUapi.PV_KVM_SEV_INIT2(), "KVM_SEV_INIT2", "vmsa_features 0x" + Long.toHexString(options.vmsaFeatures()), init);

            MemorySegment start = pv_kvm_sev_snp_launch_start.allocate(a);
            start.fill((byte) 0);
            pv_kvm_sev_snp_launch_start.policy(start, policy);
            MemorySegment.copy(MemorySegment.ofArray(options.gosvw()), 0, pv_kvm_sev_snp_launch_start.gosvw(start), 0, 16);
            pv_kvm_sev_snp_launch_start.flags(start, (short) 0);
            sev.issue(KvmUapi.PV_KVM_SEV_SNP_LAUNCH_START(), "KVM_SEV_SNP_LAUNCH_START", "policy 0x" + Long.toHexString(policy), start);
        }
        memory.register();
        for (int i = 0; i < options.vcpus(); i++) {
            IoctlTarget vcpu = target.createVcpu(i);
            // The same CPUID model the CPUID page is built from, so CPUID the guest asks the
            // hypervisor for (GHCB) agrees with the page it trusts.
            MemorySegment cpuid = options.vcpuCpuid().apply(i);
            if (cpuid != null) vcpu.ioctlOrThrow(KvmUapi.KVM_SET_CPUID2(), cpuid, "KVM_SET_CPUID2 on vCPU " + i);
            vcpus.add(vcpu);
        }
    }

    @Override
    public void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        expected.addPages(gpa, length, type, contents);
        switch (type) {
            case SHARED -> memory.writeShared(gpa, length, contents);
            case REQUIRED -> memory.makePrivate(gpa, length, type);
            default -> {
                memory.makePrivate(gpa, length, type);
                launchUpdate(gpa, length, type, contents);
            }
        }
    }

    @Override
    public void addVpContext(int vpIndex, long gpa, MemorySegment vmsa) {
        requireOpen("addVpContext");
        if (vpIndex < 0 || vpIndex >= vmsas.length) {
            throw new LaunchMeasurementException("SEV-SNP KVM launch: VP " + vpIndex + " has a VMSA, but the launch has "
                    + vmsas.length + " vCPUs");
        }
        if (vmsas[vpIndex] != null) throw new IllegalArgumentException("SEV-SNP KVM launch: VP " + vpIndex + " already has a context");
        VmsaVcpuState state = VmsaVcpuState.of(vpIndex, vmsa, options.vmsaFeatures());
        state.applyTo(vcpus.get(vpIndex));
        vmsas[vpIndex] = state;
    }

    /** An ID block from the launch description; it replaces any the options carry. */
    @Override
    public void expectIdentity(SnpLaunchIdentity identity) {
        requireOpen("expectIdentity");
        this.identity = Optional.of(new SnpKvmOptions.IdBlock(identity.idBlock(), identity.idAuth(), identity.authorKeyEnabled()));
    }

    @Override
    public LaunchMeasurement finish() {
        requireOpen("finish");
        for (int vp = 0; vp < vmsas.length; vp++) {
            if (vmsas[vp] == null) {
                throw new LaunchMeasurementException("SEV-SNP KVM launch: vCPU " + vp + " has no VMSA; KVM would launch it from its"
                        + " reset state, which the launch description does not fix");
            }
        }
        // KVM measures each vCPU's VMSA at LAUNCH_FINISH, after all pages, in vCPU order.
        for (int vp = 0; vp < vmsas.length; vp++) expected.addVpContext(vp, 0, vmsas[vp].vmsa());
        LaunchMeasurement digest = expected.finish();
        finished = true;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fin = pv_kvm_sev_snp_launch_finish.allocate(a);
            fin.fill((byte) 0);
            Optional<SnpKvmOptions.IdBlock> idBlock = identity.isPresent() ? identity : options.idBlock();
            idBlock.ifPresent(b -> {
                MemorySegment block = a.allocate(SnpKvmOptions.ID_BLOCK_SIZE, 4096);
                MemorySegment.copy(MemorySegment.ofArray(b.idBlock()), 0, block, 0, SnpKvmOptions.ID_BLOCK_SIZE);
                MemorySegment auth = a.allocate(SnpKvmOptions.ID_AUTH_SIZE, 4096);
                MemorySegment.copy(MemorySegment.ofArray(b.idAuth()), 0, auth, 0, SnpKvmOptions.ID_AUTH_SIZE);
                pv_kvm_sev_snp_launch_finish.id_block_uaddr(fin, block.address());
                pv_kvm_sev_snp_launch_finish.id_auth_uaddr(fin, auth.address());
                pv_kvm_sev_snp_launch_finish.id_block_en(fin, (byte) 1);
                pv_kvm_sev_snp_launch_finish.auth_key_en(fin, (byte) (b.authorKeyEnabled() ? 1 : 0));
            });
            MemorySegment.copy(MemorySegment.ofArray(options.hostData()), 0, pv_kvm_sev_snp_launch_finish.host_data(fin), 0,
                    SnpKvmOptions.HOST_DATA_SIZE);
            sev.issue(KvmUapi.PV_KVM_SEV_SNP_LAUNCH_FINISH(), "KVM_SEV_SNP_LAUNCH_FINISH",
                    vmsas.length + " VMSAs" + (idBlock.isPresent() ? ", with ID block" : ""), fin);
        }
        log.info("SEV-SNP launch finished through KVM: {} pages, {} vCPUs; expected MEASUREMENT {} ({})",
                digest.pages(), vmsas.length, digest.hex(), LaunchMeasurement.Provenance.EXPECTED.label());
        return digest.withProvenance(LaunchMeasurement.Provenance.EXPECTED);
    }

    /** KVM_SEV_SNP_LAUNCH_UPDATE over the whole range, following KVM's partial progress. */
    private void launchUpdate(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        int snpType = snpPageType(type);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment source = switch (type) {
                case ZERO -> null;
                case CPUID -> PrivateGuestMemory.stage(a, length, options.cpuidPage().apply(gpa));
                case SECRETS -> PrivateGuestMemory.stage(a, length, null);
                default -> PrivateGuestMemory.stage(a, length, contents);
            };
            MemorySegment u = pv_kvm_sev_snp_launch_update.allocate(a);
            u.fill((byte) 0);
            pv_kvm_sev_snp_launch_update.gfn_start(u, gpa >>> 12);
            pv_kvm_sev_snp_launch_update.uaddr(u, source == null ? 0 : source.address());
            pv_kvm_sev_snp_launch_update.len(u, length);
            pv_kvm_sev_snp_launch_update.type(u, (byte) snpType);
            pv_kvm_sev_snp_launch_update.flags(u, (short) 0);
            // The PSP may rewrite a CPUID page it refuses: keep ours to tell what it changed.
            byte[] submitted = type == LaunchPageType.CPUID ? source.toArray(ValueLayout.JAVA_BYTE) : null;
            int[] status = new int[1];
            int stalled = 0;
            while (pv_kvm_sev_snp_launch_update.len(u) != 0) {
                long before = pv_kvm_sev_snp_launch_update.len(u);
                int r = sev.tryIssue(KvmUapi.PV_KVM_SEV_SNP_LAUNCH_UPDATE(), u, status);
                String detail = String.format("%s pages at 0x%x, 0x%x bytes, 0x%x left", type, gpa, length, before);
                if (r < 0 && !SevCommands.retryable(-r)) {
                    boolean cpuidRefused = type == LaunchPageType.CPUID && status[0] == SevFirmwareStatus.INVALID_PARAM;
                    String hint = cpuidRefused
                            ? "; the PSP rejected the CPUID page and KVM wrote the values it expects back into the source page" : "";
                    LaunchCommandException failure = SevCommands.failure("KVM_SEV_SNP_LAUNCH_UPDATE", detail, -r, status[0], hint);
                    if (cpuidRefused) throw cpuidRejected(failure, source, submitted, pv_kvm_sev_snp_launch_update.uaddr(u), gpa);
                    throw failure;
                }
                long after = pv_kvm_sev_snp_launch_update.len(u);
                stalled = after < before ? 0 : stalled + 1;
                if (stalled > MAX_STALLED_ROUNDS || after > before) {
                    throw new LaunchMeasurementException("KVM_SEV_SNP_LAUNCH_UPDATE (" + detail + ") made no progress in "
                            + MAX_STALLED_ROUNDS + " attempts");
                }
            }
        }
    }

    /**
     * The PSP's verdict on a CPUID page, read back from the page KVM was working on when it failed
     * (at the struct's current {@code uaddr}, which KVM advances past the pages it finished).
     */
    private static SnpCpuidRejectedException cpuidRejected(LaunchCommandException failure, MemorySegment source, byte[] submitted,
                                                           long failingUaddr, long gpa) {
        long offset = failingUaddr - source.address();
        if (offset < 0 || offset + SnpCpuidPage.PAGE_SIZE > source.byteSize()) offset = 0;
        byte[] returned = source.asSlice(offset, SnpCpuidPage.PAGE_SIZE).toArray(ValueLayout.JAVA_BYTE);
        MemorySegment ours = MemorySegment.ofArray(submitted).asSlice(offset, SnpCpuidPage.PAGE_SIZE);
        List<String> corrections = SnpCpuidCorrections.between(ours, MemorySegment.ofArray(returned));
        log.warn("SEV-SNP CPUID page at 0x{}: the PSP refused it and returned {} correction(s){}", Long.toHexString(gpa + offset),
                corrections.size(), corrections.isEmpty() ? " (the page came back unchanged)" : ":");
        for (String c : corrections) log.warn("  {}", c);
        return new SnpCpuidRejectedException(failure, returned, corrections);
    }

    static int snpPageType(LaunchPageType type) {
        return switch (type) {
            case NORMAL -> KvmUapi.PV_KVM_SEV_SNP_PAGE_TYPE_NORMAL();
            case ZERO -> KvmUapi.PV_KVM_SEV_SNP_PAGE_TYPE_ZERO();
            case UNMEASURED -> KvmUapi.PV_KVM_SEV_SNP_PAGE_TYPE_UNMEASURED();
            case SECRETS -> KvmUapi.PV_KVM_SEV_SNP_PAGE_TYPE_SECRETS();
            case CPUID -> KvmUapi.PV_KVM_SEV_SNP_PAGE_TYPE_CPUID();
            case SHARED, REQUIRED -> throw new IllegalArgumentException(type + " pages are not launch data");
        };
    }

    private void requireOpen(String call) {
        if (!started) throw new IllegalStateException("SEV-SNP KVM launch: " + call + " before start");
        if (finished) throw new IllegalStateException("SEV-SNP KVM launch: " + call + " after finish");
    }
}
