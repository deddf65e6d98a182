package dev.panavisor.confidential.sev;

import dev.panavisor.firmware.ovmf.SevEsResetBlock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The VMSA page of a vCPU as it leaves reset under SEV-ES/SNP, which is what the launch digest
 * measures: x86 INIT state as KVM sets it (real mode, CS selector 0xf000), plus the two things
 * that vary per launch, the entry point and the guest's SEV features.
 *
 * <p>The BSP starts at the architectural reset vector 0xfffffff0. APs cannot be sent SIPIs into
 * an encrypted guest, so they start where OVMF's SEV-ES reset block says, with the high half of
 * that address as CS base and the low half as IP. Values that are not the architecture's reset
 * defaults come from KVM: EFER.SVME (0x1000) and CR4.MCE (0x40) are set, and XCR0 is 1.
 */
public final class ResetVmsa {
    /** Where the BSP starts: 16 bytes below 4 GiB. */
    public static final long BSP_RESET_EIP = 0xffff_fff0L;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final int DATA_SEGMENT = 0x93;   // present, writable, accessed
    private static final int LDT_SEGMENT = 0x82;    // present, LDT
    private static final long EFER_SVME = 0x1000;
    private static final long CR4_MCE = 0x40;
    private static final long CR0_ET = 0x10;
    private static final long DR7_RESET = 0x400;
    private static final long DR6_RESET = 0xffff0ff0L;
    private static final long RFLAGS_RESET = 0x2;
    private static final long XCR0_X87 = 0x1;

    private ResetVmsa() {}

    /** The BSP's VMSA. */
    public static MemorySegment bsp(long sevFeatures, int vcpuSignature, VmmFlavor vmm) {
        return build(BSP_RESET_EIP, true, sevFeatures, vcpuSignature, vmm);
    }

    /** An AP's VMSA, starting where the firmware's reset block points. */
    public static MemorySegment ap(SevEsResetBlock reset, long sevFeatures, int vcpuSignature, VmmFlavor vmm) {
        return build(reset.apResetAddress(), false, sevFeatures, vcpuSignature, vmm);
    }

    /**
     * A VMSA starting at {@code eip}: CS base {@code eip & 0xffff0000}, RIP {@code eip & 0xffff}.
     * {@code bsp} matters only for flavors whose BSP differs (EC2).
     */
    public static MemorySegment build(long eip, boolean bsp, long sevFeatures, int vcpuSignature, VmmFlavor vmm) {
        MemorySegment v = MemorySegment.ofArray(new byte[VmsaLayout.SIZE]);
        segment(v, VmsaLayout.ES, 0, DATA_SEGMENT, 0);
        segment(v, VmsaLayout.CS, 0xf000, vmm.csAttributes(bsp), eip & 0xffff_0000L);
        segment(v, VmsaLayout.SS, 0, vmm.ssAttributes(), 0);
        segment(v, VmsaLayout.DS, 0, DATA_SEGMENT, 0);
        segment(v, VmsaLayout.FS, 0, DATA_SEGMENT, 0);
        segment(v, VmsaLayout.GS, 0, DATA_SEGMENT, 0);
        segment(v, VmsaLayout.GDTR, 0, 0, 0);
        segment(v, VmsaLayout.LDTR, 0, LDT_SEGMENT, 0);
        segment(v, VmsaLayout.IDTR, 0, 0, 0);
        segment(v, VmsaLayout.TR, 0, vmm.trAttributes(), 0);
        v.set(U64, VmsaLayout.EFER, EFER_SVME);
        v.set(U64, VmsaLayout.CR4, CR4_MCE);
        v.set(U64, VmsaLayout.CR0, CR0_ET);
        v.set(U64, VmsaLayout.DR7, DR7_RESET);
        v.set(U64, VmsaLayout.DR6, DR6_RESET);
        v.set(U64, VmsaLayout.RFLAGS, RFLAGS_RESET);
        v.set(U64, VmsaLayout.RIP, eip & 0xffff);
        v.set(U64, VmsaLayout.G_PAT, vmm.guestPat());
        v.set(U64, VmsaLayout.RDX, vmm.rdx(vcpuSignature));
        v.set(U64, VmsaLayout.SEV_FEATURES, sevFeatures);
        v.set(U64, VmsaLayout.XCR0, XCR0_X87);
        v.set(U32, VmsaLayout.MXCSR, vmm.mxcsr());
        v.set(U16, VmsaLayout.X87_FCW, (short) vmm.x87Fcw());
        return v;
    }

    private static void segment(MemorySegment v, int at, int selector, int attributes, long base) {
        v.set(U16, at + VmsaLayout.SEGMENT_SELECTOR, (short) selector);
        v.set(U16, at + VmsaLayout.SEGMENT_ATTRIBUTES, (short) attributes);
        v.set(U32, at + VmsaLayout.SEGMENT_LIMIT, 0xffff);
        v.set(U64, at + VmsaLayout.SEGMENT_BASE, base);
    }
}
