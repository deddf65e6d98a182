package dev.panavisor.vmm.cpu;

import dev.panavisor.kvm.Kvm;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.kvm_fpu;
import dev.panavisor.kvm.sys.kvm_lapic_state;
import dev.panavisor.kvm.sys.kvm_msr_entry;
import dev.panavisor.kvm.sys.kvm_msrs;
import dev.panavisor.kvm.sys.kvm_xcr;
import dev.panavisor.kvm.sys.kvm_xcrs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a freshly created vCPU in the state a Linux boot expects: CPUID (KVM's supported
 * set, this vCPU's topology, the template's edits), MSRs, FPU control words, XCR0 and the
 * LAPIC's LINT pins. Slow path, once per vCPU before it first runs.
 */
public final class VcpuSetup {
    private static final Logger LOG = LoggerFactory.getLogger(VcpuSetup.class);

    /** FNINIT's control word: all exceptions masked, 64-bit precision, round to nearest. */
    static final short FPU_CONTROL_WORD = 0x37F;
    /** MXCSR at reset: all SIMD exceptions masked. */
    static final int MXCSR_DEFAULT = 0x1F80;
    /** XCR0 at reset: x87 state only; the kernel enables the rest it wants. */
    static final long XCR0_X87 = 1;

    private final Cpuid supported;
    private final CpuTemplate template;
    private final int vcpuCount;
    private final List<MsrValue> msrs;

    public VcpuSetup(Kvm kvm, CpuTemplate template, int vcpuCount) {
        try (Arena a = Arena.ofConfined()) {
            this.supported = Cpuid.fromKvm(kvm.supportedCpuid(a));
        }
        this.template = template;
        this.vcpuCount = vcpuCount;
        this.msrs = template.msrs(BootMsrs.LINUX);
    }

    /** The CPUID vCPU {@code apicId} gets; exposed for tests and the MP table's CPU signature. */
    public Cpuid cpuidFor(int apicId) {
        Cpuid c = supported.copy();
        CpuTopology.apply(c, apicId, vcpuCount);
        template.applyTo(c);
        return c;
    }

    public void apply(VcpuFd vcpu) {
        int id = vcpu.id();
        try (Arena a = Arena.ofConfined()) {
            vcpu.setCpuid2(cpuidFor(id).toKvm(a));
            setMsrs(vcpu, a);
            setFpu(vcpu, a);
            setXcr0(vcpu, a);
            setLapic(vcpu, a);
        }
    }

    private void setMsrs(VcpuFd vcpu, Arena a) {
        List<MsrValue> pending = new ArrayList<>(msrs);
        List<MsrValue> refused = new ArrayList<>();
        while (!pending.isEmpty()) {
            MemorySegment m = a.allocate(kvm_msrs.sizeof() + pending.size() * kvm_msr_entry.sizeof(), 8);
            kvm_msrs.nmsrs(m, pending.size());
            for (int i = 0; i < pending.size(); i++) {
                MemorySegment e = m.asSlice(kvm_msrs.sizeof() + i * kvm_msr_entry.sizeof(), kvm_msr_entry.sizeof());
                kvm_msr_entry.index(e, pending.get(i).index());
                kvm_msr_entry.data(e, pending.get(i).value());
            }
            // KVM_SET_MSRS stops at the first MSR it refuses; note that one and go on with the rest.
            int accepted = vcpu.setMsrs(m);
            if (accepted >= pending.size()) break;
            refused.add(pending.get(accepted));
            pending = new ArrayList<>(pending.subList(accepted + 1, pending.size()));
        }
        if (!refused.isEmpty()) LOG.debug("vCPU {}: KVM refused {}", vcpu.id(), refused);
    }

    private static void setFpu(VcpuFd vcpu, Arena a) {
        MemorySegment f = kvm_fpu.allocate(a);
        f.fill((byte) 0);
        kvm_fpu.fcw(f, FPU_CONTROL_WORD);
        kvm_fpu.mxcsr(f, MXCSR_DEFAULT);
        vcpu.setFpu(f);
    }

    private static void setXcr0(VcpuFd vcpu, Arena a) {
        MemorySegment x = kvm_xcrs.allocate(a);
        x.fill((byte) 0);
        kvm_xcrs.nr_xcrs(x, 1);
        MemorySegment xcr = kvm_xcrs.xcrs(x, 0);
        kvm_xcr.xcr(xcr, 0);
        kvm_xcr.value(xcr, XCR0_X87);
        try {
            vcpu.setXcrs(x);
        } catch (RuntimeException e) {
            // Hosts without XSAVE have no XCR0 to set.
            LOG.debug("vCPU {}: KVM_SET_XCRS: {}", vcpu.id(), e.getMessage());
        }
    }

    private static void setLapic(VcpuFd vcpu, Arena a) {
        MemorySegment l = kvm_lapic_state.allocate(a);
        vcpu.getLapic(l);
        MemorySegment regs = kvm_lapic_state.regs(l);
        byte[] copy = regs.toArray(ValueLayout.JAVA_BYTE);
        LocalApicSetup.wireVirtualWire(copy);
        regs.copyFrom(MemorySegment.ofArray(copy));
        vcpu.setLapic(l);
    }
}
