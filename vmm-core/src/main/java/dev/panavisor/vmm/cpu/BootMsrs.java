package dev.panavisor.vmm.cpu;

import java.util.List;

/**
 * MSR values a vCPU starts a Linux boot with (Intel SDM vol. 4 for the indices). KVM's
 * paravirt clock MSRs are left alone: the guest programs them itself.
 */
public final class BootMsrs {
    private BootMsrs() {}

    public static final int IA32_TSC = 0x10;
    public static final int IA32_SYSENTER_CS = 0x174;
    public static final int IA32_SYSENTER_ESP = 0x175;
    public static final int IA32_SYSENTER_EIP = 0x176;
    public static final int IA32_MISC_ENABLE = 0x1A0;
    public static final int IA32_MTRR_DEF_TYPE = 0x2FF;
    public static final int IA32_STAR = 0xC0000081;
    public static final int IA32_LSTAR = 0xC0000082;
    public static final int IA32_CSTAR = 0xC0000083;
    public static final int IA32_FMASK = 0xC0000084;
    public static final int IA32_KERNEL_GS_BASE = 0xC0000102;

    /** IA32_MISC_ENABLE bit 0: fast-string operations enabled, as firmware leaves it. */
    static final long MISC_ENABLE_FAST_STRING = 1;
    /** IA32_MTRR_DEF_TYPE: E (bit 11) on and default type 6, write-back, so memory without an MTRR is cacheable. */
    static final long MTRR_ENABLED_WRITE_BACK = (1 << 11) | 6;

    public static final List<MsrValue> LINUX = List.of(
            new MsrValue(IA32_SYSENTER_CS, 0),
            new MsrValue(IA32_SYSENTER_ESP, 0),
            new MsrValue(IA32_SYSENTER_EIP, 0),
            new MsrValue(IA32_STAR, 0),
            new MsrValue(IA32_LSTAR, 0),
            new MsrValue(IA32_CSTAR, 0),
            new MsrValue(IA32_FMASK, 0),
            new MsrValue(IA32_KERNEL_GS_BASE, 0),
            new MsrValue(IA32_TSC, 0),
            new MsrValue(IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING),
            new MsrValue(IA32_MTRR_DEF_TYPE, MTRR_ENABLED_WRITE_BACK));
}
