package dev.panavisor.launcher;

import dev.panavisor.confidential.sev.VmsaLayout;
import dev.panavisor.firmware.igvm.NativeX64VpContext;
import dev.panavisor.firmware.igvm.VmsaVpContext;
import dev.panavisor.firmware.igvm.VpContextData;
import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_segment;
import dev.panavisor.kvm.sys.kvm_sregs;
import dev.panavisor.vmm.boot.PowerOnState;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.lang.foreign.ValueLayout;

/**
 * Where a vCPU of a launched image starts: a real-mode entry (CS selector and hidden base, IP), the
 * shape every firmware's reset vector has. Taken from an IGVM VP context (a native x64 context or
 * an SEV VMSA); anything else of the x86 power-on state stays as {@link PowerOnState} sets it.
 *
 * <p>A context that enters protected or long mode (CR0.PE set) is refused: the measured-native
 * runner loads real-mode entry points only, which is all wrapped firmware uses.
 */
record VpEntryPoint(int csSelector, long csBase, long rip) {
    static final VpEntryPoint RESET = new VpEntryPoint(PowerOnState.RESET_CS_SELECTOR, PowerOnState.RESET_CS_BASE, PowerOnState.RESET_IP);

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long CR0_PE = 1;

    static VpEntryPoint of(VpContextData data) {
        return switch (data) {
            case NativeX64VpContext c -> realMode(c.cr0(), c.codeSelector(), c.codeBase(), c.rip());
            case VmsaVpContext v -> {
                MemorySegment p = v.page();
                yield realMode(p.get(U64, VmsaLayout.CR0), Short.toUnsignedInt(p.get(U16, VmsaLayout.CS + VmsaLayout.SEGMENT_SELECTOR)),
                        p.get(U64, VmsaLayout.CS + VmsaLayout.SEGMENT_BASE), p.get(U64, VmsaLayout.RIP));
            }
            default -> throw new IllegalArgumentException("a " + data.getClass().getSimpleName() + " VP context cannot start an x86 vCPU here");
        };
    }

    private static VpEntryPoint realMode(long cr0, int cs, long csBase, long rip) {
        if ((cr0 & CR0_PE) != 0) {
            throw new IllegalArgumentException(String.format("the VP context enters protected mode (CR0 0x%x, CS:RIP 0x%x:0x%x);"
                    + " only real-mode entry points are loaded", cr0, cs, rip));
        }
        if (rip > 0xFFFF || cs > 0xFFFF) throw new IllegalArgumentException(String.format("real-mode entry 0x%x:0x%x is out of range", cs, rip));
        return new VpEntryPoint(cs, csBase, rip);
    }

    /** The power-on state with this entry point. */
    void apply(VcpuFd vcpu) {
        PowerOnState.apply(vcpu);
        if (this.equals(RESET)) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = kvm_sregs.allocate(a);
            vcpu.getSregs(s);
            MemorySegment cs = kvm_sregs.cs(s);
            kvm_segment.selector(cs, (short) csSelector);
            kvm_segment.base(cs, csBase);
            vcpu.setSregs(s);
            MemorySegment r = kvm_regs.allocate(a);
            vcpu.getRegs(r);
            kvm_regs.rip(r, rip);
            vcpu.setRegs(r);
        }
    }
}
