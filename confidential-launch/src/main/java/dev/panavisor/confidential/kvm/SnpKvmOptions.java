package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.snp.SnpCpuidPage;
import dev.panavisor.vmm.boot.CpuidTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * What an SEV-SNP launch through KVM needs beyond the launch steps themselves.
 *
 * @param vcpus         vCPUs to create; each needs a VMSA before {@code finish}
 * @param ram           guest RAM; every launched page must lie in one region
 * @param vmsaFeatures  KVM_SEV_INIT2 {@code vmsa_features}: the VMSAs' SEV_FEATURES without SNP_ACTIVE
 * @param ghcbVersion   KVM_SEV_INIT2 {@code ghcb_version}; SNP needs 2 or later
 * @param gosvw         SNP_LAUNCH_START guest OS visible workarounds, 16 bytes
 * @param idBlock       SNP_LAUNCH_FINISH ID block (96 bytes) and ID authentication (4096 bytes), if any
 * @param hostData      SNP_LAUNCH_FINISH HOST_DATA, 32 bytes
 * @param cpuidPage     contents of a CPUID page at a GPA (the SNP CPUID table the PSP checks);
 *                      without one the page goes in as zeros, which the PSP rejects with the
 *                      values it expects written back into the source page
 * @param vcpuCpuid     the {@code kvm_cpuid2} KVM_SET_CPUID2 gives vCPU n as it is created, or null
 *                      for none (KVM then runs it with an empty CPUID model)
 */
public record SnpKvmOptions(int vcpus, List<GuestRamRegion> ram, long vmsaFeatures, int ghcbVersion, byte[] gosvw,
                            Optional<IdBlock> idBlock, byte[] hostData, LongFunction<MemorySegment> cpuidPage,
                            IntFunction<MemorySegment> vcpuCpuid) {
    public static final int ID_BLOCK_SIZE = 96;
    public static final int ID_AUTH_SIZE = 4096;
    public static final int HOST_DATA_SIZE = 32;

    /** The guest owner's signed ID block for SNP_LAUNCH_FINISH. */
    public record IdBlock(byte[] idBlock, byte[] idAuth, boolean authorKeyEnabled) {
        public IdBlock {
            if (idBlock.length != ID_BLOCK_SIZE) throw new IllegalArgumentException("an SNP ID block is 96 bytes, got " + idBlock.length);
            if (idAuth.length != ID_AUTH_SIZE) throw new IllegalArgumentException("SNP ID authentication is 4096 bytes, got " + idAuth.length);
            idBlock = idBlock.clone();
            idAuth = idAuth.clone();
        }
    }

    public SnpKvmOptions {
        if (vcpus < 1) throw new IllegalArgumentException("an SNP launch needs at least one vCPU");
        ram = List.copyOf(ram);
        if ((vmsaFeatures & VmsaVcpuState.SEV_FEATURE_SNP_ACTIVE) != 0) {
            throw new IllegalArgumentException("vmsa_features must not contain SNP_ACTIVE (bit 0); KVM adds it for SNP VMs");
        }
        if (ghcbVersion < 2) throw new IllegalArgumentException("SEV-SNP needs GHCB protocol version 2 or later, got " + ghcbVersion);
        if (gosvw.length != 16) throw new IllegalArgumentException("GOSVW is 16 bytes, got " + gosvw.length);
        if (hostData.length != HOST_DATA_SIZE) throw new IllegalArgumentException("HOST_DATA is 32 bytes, got " + hostData.length);
        gosvw = gosvw.clone();
        hostData = hostData.clone();
        if (idBlock == null || cpuidPage == null || vcpuCpuid == null) throw new NullPointerException();
    }

    /** {@code vcpus} vCPUs on {@code ram}, SEV features {@code vmsaFeatures}, GHCB v2, no ID block, zero host data. */
    public static SnpKvmOptions of(int vcpus, List<GuestRamRegion> ram, long vmsaFeatures) {
        return new SnpKvmOptions(vcpus, ram, vmsaFeatures, 2, new byte[16], Optional.empty(), new byte[HOST_DATA_SIZE], gpa -> null, vcpu -> null);
    }

    public SnpKvmOptions withCpuidPage(LongFunction<MemorySegment> source) {
        return new SnpKvmOptions(vcpus, ram, vmsaFeatures, ghcbVersion, gosvw, idBlock, hostData, source, vcpuCpuid);
    }

    /**
     * CPUID pages built from {@code kvmCpuid2} (the vCPUs' CPUID table, a {@code kvm_cpuid2} the
     * caller keeps alive), in the SNP firmware's format: see {@link SnpCpuidPage}. The vCPUs'
     * own CPUID is left to the caller.
     */
    public SnpKvmOptions withCpuidTable(MemorySegment kvmCpuid2) {
        MemorySegment page = SnpCpuidPage.from(kvmCpuid2);
        return withCpuidPage(gpa -> page);
    }

    /**
     * The machine's CPUID model for both sides of the SNP guest's CPUID: each vCPU gets
     * {@code table}'s CPUID for its APIC ID (= vCPU index) with KVM_SET_CPUID2 when it is created,
     * and every CPUID page is built from vCPU 0's (the APIC ID fields the page cannot hold per vCPU
     * are ones SNP guests ask the hypervisor for). Tables live in {@code arena}.
     */
    public SnpKvmOptions withCpuidTable(CpuidTable table, Arena arena) {
        MemorySegment page = SnpCpuidPage.from(table.forVcpu(arena, 0));
        return new SnpKvmOptions(vcpus, ram, vmsaFeatures, ghcbVersion, gosvw, idBlock, hostData, gpa -> page,
                vcpu -> table.forVcpu(arena, vcpu));
    }

    /** vCPU n gets {@code perVcpu.apply(n)} (a {@code kvm_cpuid2}, or null for none) with KVM_SET_CPUID2 when created. */
    public SnpKvmOptions withVcpuCpuid(IntFunction<MemorySegment> perVcpu) {
        return new SnpKvmOptions(vcpus, ram, vmsaFeatures, ghcbVersion, gosvw, idBlock, hostData, cpuidPage, perVcpu);
    }

    public SnpKvmOptions withFinish(Optional<IdBlock> block, byte[] data) {
        return new SnpKvmOptions(vcpus, ram, vmsaFeatures, ghcbVersion, gosvw, block, data, cpuidPage, vcpuCpuid);
    }

    @Override public byte[] gosvw() { return gosvw.clone(); }
    @Override public byte[] hostData() { return hostData.clone(); }
}
