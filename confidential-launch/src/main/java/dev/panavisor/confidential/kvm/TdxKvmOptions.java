package dev.panavisor.confidential.kvm;

import java.util.List;

/**
 * What a TDX launch through KVM needs beyond the launch steps (TD attributes come from
 * {@code start}'s policy).
 *
 * @param vcpus         vCPUs to create after KVM_TDX_INIT_VM
 * @param ram           guest RAM; every launched page must lie in one region
 * @param xfam          TD_PARAMS XFAM (extended features the TD may use); x87 and SSE are required
 * @param mrConfigId    MRCONFIGID, 48 bytes
 * @param mrOwner       MROWNER, 48 bytes
 * @param mrOwnerConfig MROWNERCONFIG, 48 bytes
 * @param cpuid         the TD's configurable CPUID values for KVM_TDX_INIT_VM
 * @param hobGpa        RCX of every vCPU at KVM_TDX_INIT_VCPU: where TDVF finds the TD HOB list
 */
public record TdxKvmOptions(int vcpus, List<GuestRamRegion> ram, long xfam, byte[] mrConfigId, byte[] mrOwner,
                            byte[] mrOwnerConfig, List<CpuidEntry> cpuid, long hobGpa) {
    /** XFAM bits 0 (x87) and 1 (SSE), which every TD must have. */
    public static final long XFAM_FIXED = 0x3;

    /** One kvm_cpuid_entry2. */
    public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {}

    public TdxKvmOptions {
        if (vcpus < 1) throw new IllegalArgumentException("a TDX launch needs at least one vCPU");
        ram = List.copyOf(ram);
        cpuid = List.copyOf(cpuid);
        for (byte[] d : new byte[][] {mrConfigId, mrOwner, mrOwnerConfig}) {
            if (d.length != 48) throw new IllegalArgumentException("MRCONFIGID/MROWNER/MROWNERCONFIG are SHA-384 sized, 48 bytes; got " + d.length);
        }
        if ((xfam & XFAM_FIXED) != XFAM_FIXED) {
            throw new IllegalArgumentException(String.format("XFAM 0x%x lacks x87 and SSE (0x3), which TDX requires", xfam));
        }
        mrConfigId = mrConfigId.clone();
        mrOwner = mrOwner.clone();
        mrOwnerConfig = mrOwnerConfig.clone();
    }

    /** {@code vcpus} vCPUs on {@code ram}, XFAM x87|SSE, zero config/owner digests, no CPUID entries. */
    public static TdxKvmOptions of(int vcpus, List<GuestRamRegion> ram, long hobGpa) {
        return new TdxKvmOptions(vcpus, ram, XFAM_FIXED, new byte[48], new byte[48], new byte[48], List.of(), hobGpa);
    }

    public TdxKvmOptions withCpuid(List<CpuidEntry> entries) {
        return new TdxKvmOptions(vcpus, ram, xfam, mrConfigId, mrOwner, mrOwnerConfig, entries, hobGpa);
    }

    @Override public byte[] mrConfigId() { return mrConfigId.clone(); }
    @Override public byte[] mrOwner() { return mrOwner.clone(); }
    @Override public byte[] mrOwnerConfig() { return mrOwnerConfig.clone(); }
}
