package dev.panavisor.confidential.sev;

/**
 * Whose reset register state the VMSAs carry. VMMs and their KVM versions differ in a few
 * initial values, and each difference changes the SEV-ES/SNP launch digest. QEMU's is what KVM
 * plus QEMU's x86 CPU reset produce, and what Panavisor reproduces; EC2's and GCE's are the
 * values sev-snp-measure documents for those clouds.
 */
public enum VmmFlavor {
    /** QEMU/KVM: RDX holds the CPUID signature, MXCSR and x87 FCW at their architectural reset values. */
    QEMU(0x9b, 0x9b, 0x93, 0x8b, 0x0007_0406_0007_0406L, false, 0x1f80, 0x37f),
    /** Amazon EC2: the BSP's CS is not marked accessed, data/TSS types differ, RDX is 0x600, no FPU init. */
    EC2(0x9a, 0x9b, 0x92, 0x83, 0x0007_0406_0007_0406L, true, 0, 0),
    /** Google Compute Engine: its own PAT value, RDX 0x600, no FPU init. */
    GCE(0x9b, 0x9b, 0x93, 0x8b, 0x0007_0106L, true, 0, 0);

    /** RDX at reset on the clouds, whatever the vCPU model. */
    static final int FIXED_RDX = 0x600;

    private final int bspCsAttributes;
    private final int apCsAttributes;
    private final int ssAttributes;
    private final int trAttributes;
    private final long guestPat;
    private final boolean fixedRdx;
    private final int mxcsr;
    private final int x87Fcw;

    VmmFlavor(int bspCsAttributes, int apCsAttributes, int ssAttributes, int trAttributes, long guestPat,
              boolean fixedRdx, int mxcsr, int x87Fcw) {
        this.bspCsAttributes = bspCsAttributes;
        this.apCsAttributes = apCsAttributes;
        this.ssAttributes = ssAttributes;
        this.trAttributes = trAttributes;
        this.guestPat = guestPat;
        this.fixedRdx = fixedRdx;
        this.mxcsr = mxcsr;
        this.x87Fcw = x87Fcw;
    }

    int csAttributes(boolean bsp) {
        return bsp ? bspCsAttributes : apCsAttributes;
    }

    int ssAttributes() {
        return ssAttributes;
    }

    int trAttributes() {
        return trAttributes;
    }

    long guestPat() {
        return guestPat;
    }

    long rdx(int vcpuSignature) {
        return fixedRdx ? FIXED_RDX : Integer.toUnsignedLong(vcpuSignature);
    }

    int mxcsr() {
        return mxcsr;
    }

    int x87Fcw() {
        return x87Fcw;
    }
}
