package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;

import static dev.panavisor.vmm.memory.GuestMemory.U32_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;
import static dev.panavisor.vmm.vcpu.fallback.XsaveLayout.HEADER;
import static dev.panavisor.vmm.vcpu.fallback.XsaveLayout.MXCSR;
import static dev.panavisor.vmm.vcpu.fallback.XsaveLayout.MXCSR_MASK;
import static dev.panavisor.vmm.vcpu.fallback.XsaveLayout.XMM_END;
import static dev.panavisor.vmm.vcpu.fallback.XsaveLayout.XMM_START;

/**
 * LDMXCSR m32 and STMXCSR m32 (SDM vol. 2, LDMXCSR/STMXCSR) against MXCSR in the XSAVE
 * image's legacy region.
 */
final class SseControl implements Executor {
    /** MXCSR_MASK when the image reports none: every bit but DAZ valid (SDM vol. 1, 11.6.6). */
    static final int MXCSR_MASK_DEFAULT = 0xFFBF;

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        String name = insn.kind().mnemonic();
        requireSse(insn, cpu, name);
        long linear = EffectiveAddress.linear(insn, cpu);
        MemorySegment image = cpu.xsaveImage();
        switch (insn.kind()) {
            case LDMXCSR -> {
                int mxcsr = (int) memory.readLong(linear, 4);
                int mask = image.get(U32_LE, MXCSR_MASK);
                if (mask == 0) mask = MXCSR_MASK_DEFAULT;
                // SDM vol. 2, LDMXCSR: #GP for an attempt to set reserved bits.
                if ((mxcsr & ~mask) != 0) throw GuestFault.generalProtection(0, String.format("LDMXCSR: reserved bits in 0x%x", mxcsr));
                image.set(U32_LE, MXCSR, mxcsr);
                markSseInUse(image);
                cpu.xsaveImageChanged();
            }
            case STMXCSR -> {
                MemorySegment buf = MemorySegment.ofArray(new byte[4]);
                buf.set(U32_LE, 0, image.get(U32_LE, MXCSR));
                memory.write(linear, buf, 0, 4);
            }
            default -> throw new IllegalStateException(insn.kind().name());
        }
    }

    /**
     * The #UD and #NM checks shared by SSE instructions (SDM vol. 2, the instructions'
     * "Protected Mode Exceptions"): #UD with LOCK, CR0.EM set, CR4.OSFXSR clear or no CPUID.01H:EDX.SSE[25];
     * #NM with CR0.TS set.
     */
    static void requireSse(DecodedInstruction insn, CpuState cpu, String name) throws GuestFault {
        if (insn.lock()) throw GuestFault.undefinedOpcode(name + " with LOCK");
        if ((cpu.cr0() & CpuState.CR0_EM) != 0) throw GuestFault.undefinedOpcode(name + " with CR0.EM set");
        if ((cpu.cr4() & CpuState.CR4_OSFXSR) == 0) throw GuestFault.undefinedOpcode(name + " with CR4.OSFXSR clear");
        if (!CpuFeatures.sse(cpu)) throw GuestFault.undefinedOpcode(name + " without CPUID.01H:EDX.SSE");
        if ((cpu.cr0() & CpuState.CR0_TS) != 0) throw GuestFault.deviceNotAvailable(name + " with CR0.TS set");
    }

    /**
     * KVM loads MXCSR and the XMM registers from the image only while XSTATE_BV[1] says SSE
     * state is in use; a component not in use is in its initial state (XMM registers zero),
     * so the image's XMM area is zeroed before the bit is set.
     */
    static void markSseInUse(MemorySegment image) {
        long bv = image.get(U64_LE, HEADER);
        if ((bv & 2) != 0) return;
        image.asSlice(XMM_START, XMM_END - XMM_START).fill((byte) 0);
        image.set(U64_LE, HEADER, bv | 2);
    }
}
