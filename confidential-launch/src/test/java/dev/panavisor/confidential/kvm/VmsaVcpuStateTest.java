package dev.panavisor.confidential.kvm;

import dev.panavisor.confidential.sev.ResetVmsa;
import dev.panavisor.confidential.sev.VcpuSignature;
import dev.panavisor.confidential.sev.VmmFlavor;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_fpu;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_segment;
import dev.panavisor.kvm.sys.kvm_sregs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VMSA fields (APM Vol. 2 Table B-4) to the KVM vCPU state KVM rebuilds them from. */
class VmsaVcpuStateTest {
    private static final int SIG = VcpuSignature.of(25, 1, 1);

    private static MemorySegment vmsa() {
        return ResetVmsa.bsp(VmsaVcpuState.SEV_FEATURE_SNP_ACTIVE, SIG, VmmFlavor.QEMU);
    }

    private static RecordingKvmTarget applied(MemorySegment vmsa) {
        RecordingKvmTarget kvm = new RecordingKvmTarget();
        VmsaVcpuState.of(0, vmsa, 0).applyTo(kvm.createVcpu(0));
        return kvm;
    }

    /** Generated struct accessors need natively aligned memory. */
    private static MemorySegment nativeCopy(byte[] b) {
        MemorySegment s = Arena.ofAuto().allocate(b.length, 16);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, s, 0, b.length);
        return s;
    }

    @Test
    void resetVmsaBecomesKvmSregsRegsFpuXcrsMsrs() {
        RecordingKvmTarget kvm = applied(vmsa());
        MemorySegment sregs = nativeCopy(kvm.calls.get(2).arg());
        assertEquals(KvmUapi.KVM_SET_SREGS(), kvm.calls.get(2).request());
        MemorySegment cs = kvm_sregs.cs(sregs);
        assertEquals((short) 0xf000, kvm_segment.selector(cs));
        assertEquals(0xffff0000L, kvm_segment.base(cs));
        assertEquals(0xffff, kvm_segment.limit(cs));
        assertEquals(0xb, kvm_segment.type(cs));            // 0x9b: code, read, accessed
        assertEquals(1, kvm_segment.s(cs));
        assertEquals(1, kvm_segment.present(cs));
        assertEquals(0, kvm_segment.unusable(cs));
        assertEquals(0x2, kvm_segment.type(kvm_sregs.ldt(sregs)));  // 0x82: LDT
        assertEquals(0x10, kvm_sregs.cr0(sregs));
        assertEquals(0, kvm_sregs.cr4(sregs), "KVM adds CR4.MCE itself");
        assertEquals(0, kvm_sregs.efer(sregs), "KVM adds EFER.SVME itself");

        MemorySegment regs = nativeCopy(kvm.calls.get(3).arg());
        assertEquals(0xfff0, kvm_regs.rip(regs));
        assertEquals(2, kvm_regs.rflags(regs));
        assertEquals(SIG, kvm_regs.rdx(regs), "QEMU's reset RDX is the CPUID signature");

        MemorySegment fpu = nativeCopy(kvm.calls.get(4).arg());
        assertEquals(0x37f, kvm_fpu.fcw(fpu));
        assertEquals(0x1f80, kvm_fpu.mxcsr(fpu));

        ByteBuffer xcrs = ByteBuffer.wrap(kvm.calls.get(5).arg()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, xcrs.getInt(0), "nr_xcrs");
        assertEquals(0, xcrs.getInt(8), "XCR0");
        assertEquals(1, xcrs.getLong(16), "XCR0 value");

        ByteBuffer msrs = ByteBuffer.wrap(kvm.calls.get(6).arg()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(9, msrs.getInt(0));
        assertEquals(VmsaVcpuState.MSR_IA32_CR_PAT, msrs.getInt(8));
        assertEquals(0x0007_0406_0007_0406L, msrs.getLong(16));
    }

    @Test
    void generalRegistersAndX87StateGoWhereKvmTakesThem() {
        MemorySegment v = vmsa();
        v.set(ValueLayout.JAVA_LONG_UNALIGNED, VmsaVcpuState.R8 + 7 * 8, 0x1515L);  // R15
        v.set(ValueLayout.JAVA_LONG_UNALIGNED, VmsaVcpuState.RSP, 0x7000L);
        v.set(ValueLayout.JAVA_BYTE, VmsaVcpuState.FPREG_X87 + 10 + 9, (byte) 0x40);  // ST1 byte 9
        v.set(ValueLayout.JAVA_BYTE, VmsaVcpuState.FPREG_XMM + 16 * 3, (byte) 0x33);   // XMM3 byte 0
        RecordingKvmTarget kvm = applied(v);
        MemorySegment regs = nativeCopy(kvm.calls.get(3).arg());
        assertEquals(0x1515L, kvm_regs.r15(regs));
        assertEquals(0x7000L, kvm_regs.rsp(regs));
        MemorySegment fpu = nativeCopy(kvm.calls.get(4).arg());
        assertEquals(0x40, kvm_fpu.fpr(fpu).get(ValueLayout.JAVA_BYTE, 16 + 9), "ST1 in fpr[1], 16-byte slots");
        assertEquals(0x33, kvm_fpu.xmm(fpu).get(ValueLayout.JAVA_BYTE, 16 * 3));
    }

    @Test
    void refusesEachFieldKvmCannotSetOrWouldChange() {
        Object[][] cases = {
                {VmsaVcpuState.SEV_FEATURES, 0x5L, "SEV_FEATURES is 0x5, must be 0x1"},
                {VmsaVcpuState.DR6, 0L, "DR6 is 0x0"},
                {VmsaVcpuState.EFER, 0L, "EFER.SVME is clear"},
                {VmsaVcpuState.CR4, 0L, "CR4.MCE is clear"},
                {VmsaVcpuState.XCR0, 0L, "lacks x87"},
                {0x180, 0x1000L, "DR0-DR3"},
                {0x140, 1L, "XSS"},
                {0x3c8, 1L, "virtual TOM"},
                {0x800, 1L, "reserved or unsupported bytes at VMSA 0x800"},
        };
        for (Object[] c : cases) {
            MemorySegment v = vmsa();
            v.set(ValueLayout.JAVA_LONG_UNALIGNED, (Integer) c[0], (Long) c[1]);
            UnrepresentableVmsaException e = assertThrows(UnrepresentableVmsaException.class, () -> VmsaVcpuState.of(2, v, 0));
            assertTrue(e.getMessage().contains((String) c[2]), e.getMessage());
            assertTrue(e.getMessage().startsWith("SEV-SNP VP 2: KVM cannot launch this VMSA"), e.getMessage());
        }
    }

    @Test
    void cplMustFollowSsDpl() {
        MemorySegment v = vmsa();
        v.set(ValueLayout.JAVA_BYTE, VmsaVcpuState.CPL, (byte) 3);
        assertThrows(UnrepresentableVmsaException.class, () -> VmsaVcpuState.of(0, v, 0));
    }

    @Test
    void sevFeaturesAreInit2FeaturesPlusSnpActive() {
        MemorySegment v = ResetVmsa.bsp(0x1 | 0x20, SIG, VmmFlavor.QEMU);
        VmsaVcpuState.of(0, v, 0x20);
        assertThrows(UnrepresentableVmsaException.class, () -> VmsaVcpuState.of(0, v, 0));
    }
}
