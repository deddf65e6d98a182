package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;

/**
 * The vCPU state an executor may read and change. The KVM-backed implementation loads
 * lazily and writes back only what changed; tests use a plain in-memory fake.
 */
public interface CpuState {
    long RFLAGS_CF = 1L, RFLAGS_PF = 1L << 2, RFLAGS_AF = 1L << 4, RFLAGS_ZF = 1L << 6, RFLAGS_SF = 1L << 7,
            RFLAGS_TF = 1L << 8, RFLAGS_OF = 1L << 11, RFLAGS_VM = 1L << 17, RFLAGS_AC = 1L << 18;
    long CR0_PE = 1L, CR0_MP = 1L << 1, CR0_EM = 1L << 2, CR0_TS = 1L << 3, CR0_NE = 1L << 5, CR0_PG = 1L << 31;
    long CR4_OSFXSR = 1L << 9, CR4_OSXSAVE = 1L << 18, CR4_SMAP = 1L << 21;
    long EFER_LMA = 1L << 10;

    /** General-purpose register 0-15 (SDM numbering), all 64 bits. */
    long gpr(int reg);
    void setGpr(int reg, long value);

    long rip();
    void setRip(long rip);
    long rflags();
    void setRflags(long rflags);

    long cr0();
    long cr4();
    long efer();

    /** Current privilege level: 0 in real mode, 3 in virtual-8086 mode, else CS.DPL/SS.DPL. */
    int cpl();

    /** 16, 32 or 64: the default operand/address size of the code running (CS.L, CS.D, mode). */
    int codeSize();

    default boolean realMode() { return (cr0() & CR0_PE) == 0; }
    default boolean virtual8086() { return !realMode() && (rflags() & RFLAGS_VM) != 0; }
    default boolean longMode() { return (efer() & EFER_LMA) != 0; }

    long segmentBase(Segment segment);

    long idtBase();
    int idtLimit();

    /** XCR0 (XFEATURE_ENABLED_MASK). */
    long xcr0();
    /** IA32_XSS (MSR 0xDA0); 0 where the CPU has none. */
    long xss();

    /** CPUID as the guest sees it: fills {@code out} with EAX, EBX, ECX, EDX. */
    void cpuid(int leaf, int subleaf, int[] out);

    /**
     * Guest-linear to guest-physical for one of the instruction's explicit data accesses, under
     * current paging and with its access rights, accessed and dirty flags (identity with paging
     * off): the #PF the CPU would raise, or a refusal where the page tables are not in guest RAM.
     */
    long translate(long linear, boolean write) throws GuestFault, EmulationRefused;

    /**
     * The x87/SSE/AVX... register state as a standard-format XSAVE image (SDM vol. 1, 13.4):
     * legacy region, header at 512, components at their CPUID.(EAX=0DH,ECX=i).EBX offsets.
     * Changes through the returned segment take effect after {@link #xsaveImageChanged()}.
     */
    MemorySegment xsaveImage();
    void xsaveImageChanged();

    /** Delivers {@code vector} to the guest at its next entry; {@code errorCode} &lt; 0 means none. */
    void raiseException(int vector, int errorCode);

    void setCr2(long cr2);
}
