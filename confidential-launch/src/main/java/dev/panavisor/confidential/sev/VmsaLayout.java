package dev.panavisor.confidential.sev;

/**
 * Byte offsets in the 4 KiB VM save area of an SEV-ES/SNP vCPU (AMD64 APM Vol. 2, Appendix B,
 * "VMSA Layout, State Save Area for SEV-ES"). Only the fields an initial VMSA sets are listed.
 * A segment register is 16 bytes: u16 selector, u16 attributes, u32 limit, u64 base.
 */
public final class VmsaLayout {
    private VmsaLayout() {}

    public static final int SIZE = 4096;

    public static final int ES = 0x000;
    public static final int CS = 0x010;
    public static final int SS = 0x020;
    public static final int DS = 0x030;
    public static final int FS = 0x040;
    public static final int GS = 0x050;
    public static final int GDTR = 0x060;
    public static final int LDTR = 0x070;
    public static final int IDTR = 0x080;
    public static final int TR = 0x090;
    public static final int SEGMENT_SELECTOR = 0;
    public static final int SEGMENT_ATTRIBUTES = 2;
    public static final int SEGMENT_LIMIT = 4;
    public static final int SEGMENT_BASE = 8;

    public static final int EFER = 0x0d0;
    public static final int CR4 = 0x148;
    public static final int CR3 = 0x150;
    public static final int CR0 = 0x158;
    public static final int DR7 = 0x160;
    public static final int DR6 = 0x168;
    public static final int RFLAGS = 0x170;
    public static final int RIP = 0x178;
    public static final int G_PAT = 0x268;
    public static final int RDX = 0x310;
    public static final int SEV_FEATURES = 0x3b0;
    public static final int XCR0 = 0x3e8;
    public static final int MXCSR = 0x408;
    public static final int X87_FCW = 0x410;
}
