package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;

import static dev.panavisor.vmm.memory.GuestMemory.U16_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U32_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;
import static dev.panavisor.vmm.vcpu.fallback.XsaveLayout.*;

/**
 * XSAVE, XSAVEOPT, XSAVEC, XSAVES, XRSTOR and XRSTORS (SDM vol. 1, ch. 13; vol. 2, the
 * instruction pages) between guest memory and the vCPU's state, which KVM exposes as a
 * standard-form XSAVE image (KVM_GET_XSAVE). The requested-feature bitmap is
 * RFBM = (XCR0 [| IA32_XSS]) AND EDX:EAX.
 *
 * <p>XSAVEOPT saves like XSAVE: skipping unmodified components is an optimisation the SDM
 * allows but does not require, and the image written is the same. Supervisor components
 * (IA32_XSS) are not part of KVM's XSAVE image, so XSAVES/XRSTORS that request one are refused.
 */
final class ExtendedState implements Executor {
    private static final long COMPACTED = 1L << 63;
    private static final int MXCSR_DEFAULT = 0x1F80;
    private static final int MXCSR_MASK_DEFAULT = 0xFFBF;

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        InstructionKind kind = insn.kind();
        String name = kind.mnemonic();
        boolean supervisor = kind == InstructionKind.XSAVES || kind == InstructionKind.XRSTORS;
        // SDM vol. 2, XSAVE "Protected Mode Exceptions", in the order the CPU checks them.
        if (!insn.hasMemoryOperand()) throw GuestFault.undefinedOpcode(name + " with a register operand");
        if (insn.lock()) throw GuestFault.undefinedOpcode(name + " with LOCK");
        if (!CpuFeatures.xsave(cpu)) throw GuestFault.undefinedOpcode(name + " without CPUID.01H:ECX.XSAVE");
        if ((cpu.cr4() & CpuState.CR4_OSXSAVE) == 0) throw GuestFault.undefinedOpcode(name + " with CR4.OSXSAVE clear");
        switch (kind) {
            case XSAVEOPT -> { if (!CpuFeatures.xsaveopt(cpu)) throw GuestFault.undefinedOpcode("XSAVEOPT not in CPUID.(EAX=0DH,ECX=1)"); }
            case XSAVEC -> { if (!CpuFeatures.xsavec(cpu)) throw GuestFault.undefinedOpcode("XSAVEC not in CPUID.(EAX=0DH,ECX=1)"); }
            case XSAVES, XRSTORS -> { if (!CpuFeatures.xsaves(cpu)) throw GuestFault.undefinedOpcode(name + " not in CPUID.(EAX=0DH,ECX=1)"); }
            default -> { }
        }
        if ((cpu.cr0() & CpuState.CR0_TS) != 0) throw GuestFault.deviceNotAvailable(name + " with CR0.TS set");
        if (supervisor && cpu.cpl() > 0) throw GuestFault.generalProtection(0, name + " at CPL " + cpu.cpl());
        long linear = EffectiveAddress.linear(insn, cpu);
        if ((linear & 63) != 0) throw GuestFault.generalProtection(0, String.format("%s area 0x%x not 64-byte aligned", name, linear));

        long enabled = cpu.xcr0() | (supervisor ? cpu.xss() : 0);
        long instructionMask = (cpu.gpr(Registers.RDX) << 32) | (cpu.gpr(Registers.RAX) & 0xFFFF_FFFFL);
        long rfbm = enabled & instructionMask;
        if ((rfbm & cpu.xss()) != 0 && supervisor) {
            throw new EmulationRefused(String.format("%s of supervisor state components 0x%x: KVM's XSAVE image does not carry them",
                    name, rfbm & cpu.xss()));
        }
        MemorySegment image = cpu.xsaveImage();
        XsaveLayout layout = new XsaveLayout(cpu, enabled);
        requireInImage(layout, rfbm, image, name);
        switch (kind) {
            case XSAVE, XSAVEOPT -> saveStandard(memory, linear, rfbm, image, layout);
            case XSAVEC, XSAVES -> saveCompacted(memory, linear, rfbm, image, layout);
            default -> restore(cpu, memory, linear, rfbm, enabled, image, layout, supervisor);
        }
    }

    private static void requireInImage(XsaveLayout layout, long rfbm, MemorySegment image, String name) throws EmulationRefused {
        for (int i = 2; i <= MAX_COMPONENT; i++) {
            if ((rfbm & (1L << i)) != 0 && layout.standardOffset[i] + layout.size[i] > image.byteSize()) {
                throw new EmulationRefused(name + " of state component " + i + ", which lies beyond KVM's " + image.byteSize() + "-byte XSAVE image");
            }
        }
    }

    /** SDM vol. 1, 13.7: every component of RFBM is written; XSTATE_BV[i] = XINUSE[i] for i in RFBM. */
    private static void saveStandard(LinearMemory memory, long linear, long rfbm, MemorySegment image, XsaveLayout layout)
            throws GuestFault, EmulationRefused {
        memory.check(linear, layout.standardSize(rfbm), true);
        long inUse = image.get(U64_LE, HEADER);
        writeLegacy(memory, linear, rfbm, -1L, image);
        for (int i = 2; i <= MAX_COMPONENT; i++) {
            if ((rfbm & (1L << i)) != 0) memory.write(linear + layout.standardOffset[i], image, layout.standardOffset[i], layout.size[i]);
        }
        long old = memory.readLong(linear + HEADER, 8);
        writeQuad(memory, linear + HEADER, (old & ~rfbm) | (inUse & rfbm));
    }

    /**
     * SDM vol. 1, 13.10 and 13.11: XCOMP_BV = RFBM | bit 63; XSTATE_BV = XINUSE AND RFBM; only
     * components in use are written, each at its compacted offset.
     */
    private static void saveCompacted(LinearMemory memory, long linear, long rfbm, MemorySegment image, XsaveLayout layout)
            throws GuestFault, EmulationRefused {
        long xcompBv = rfbm | COMPACTED;
        int[] offsets = layout.compactedOffsets(xcompBv);
        memory.check(linear, compactedSize(offsets), true);
        long inUse = image.get(U64_LE, HEADER) & rfbm;
        writeLegacy(memory, linear, rfbm, inUse, image);
        for (int i = 2; i <= MAX_COMPONENT; i++) {
            if ((inUse & (1L << i)) != 0) memory.write(linear + offsets[i], image, layout.standardOffset[i], layout.size[i]);
        }
        writeQuad(memory, linear + HEADER, inUse);
        writeQuad(memory, linear + HEADER + 8, xcompBv);
    }

    /** The legacy region: x87 if RFBM[0] (and saved), MXCSR if RFBM[1] or RFBM[2], XMM if RFBM[1]. */
    private static void writeLegacy(LinearMemory memory, long linear, long rfbm, long saved, MemorySegment image)
            throws GuestFault, EmulationRefused {
        if ((rfbm & saved & 1) != 0) {
            memory.write(linear, image, 0, X87_CONTROL_END);
            memory.write(linear + ST_START, image, ST_START, ST_END - ST_START);
        }
        boolean compacted = saved != -1L;
        if (compacted ? (rfbm & saved & 2) != 0 : (rfbm & 6) != 0) memory.write(linear + MXCSR, image, MXCSR, 8);
        if ((rfbm & saved & 2) != 0) memory.write(linear + XMM_START, image, XMM_START, XMM_END - XMM_START);
    }

    /**
     * SDM vol. 1, 13.8: checks the header (#GP(0) on reserved bits), then for each component
     * of RFBM loads it from memory when XSTATE_BV says so, else puts it in its initial state.
     */
    private static void restore(CpuState cpu, LinearMemory memory, long linear, long rfbm, long enabled,
                                MemorySegment image, XsaveLayout layout, boolean supervisor)
            throws GuestFault, EmulationRefused {
        String name = supervisor ? "XRSTORS" : "XRSTOR";
        MemorySegment header = MemorySegment.ofArray(new byte[HEADER_SIZE]);
        memory.read(linear + HEADER, header, 0, HEADER_SIZE);
        long xstateBv = header.get(U64_LE, 0);
        long xcompBv = header.get(U64_LE, 8);
        boolean compacted = xcompBv < 0;
        int[] offsets = null;
        if (compacted) {
            if (!supervisor && !CpuFeatures.xsavec(cpu)) throw GuestFault.generalProtection(0, "XRSTOR of a compacted area without XSAVEC support");
            if ((xcompBv & ~COMPACTED & ~enabled) != 0) throw GuestFault.generalProtection(0, name + ": XCOMP_BV has components not enabled");
            if ((xstateBv & ~(xcompBv & ~COMPACTED)) != 0) throw GuestFault.generalProtection(0, name + ": XSTATE_BV has components not in XCOMP_BV");
            if (!zero(header, 16, HEADER_SIZE)) throw GuestFault.generalProtection(0, name + ": header bytes 63:16 not zero");
            offsets = layout.compactedOffsets(xcompBv);
        } else {
            if (supervisor) throw GuestFault.generalProtection(0, "XRSTORS of a standard-form area");
            if ((xstateBv & ~enabled) != 0) throw GuestFault.generalProtection(0, "XRSTOR: XSTATE_BV has components not enabled in XCR0");
            if (!zero(header, 8, 24)) throw GuestFault.generalProtection(0, "XRSTOR: header bytes 23:8 not zero");
        }
        int areaSize = compacted ? compactedSize(offsets) : layout.standardSize(rfbm & xstateBv);
        MemorySegment area = MemorySegment.ofArray(new byte[areaSize]);
        memory.read(linear, area, 0, areaSize);

        // MXCSR: standard form loads it if RFBM[1] or RFBM[2]; compacted form if RFBM[1] and XSTATE_BV[1].
        boolean loadMxcsr = compacted ? (rfbm & xstateBv & 2) != 0 : (rfbm & 6) != 0;
        int mxcsr = loadMxcsr ? area.get(U32_LE, MXCSR) : compacted && (rfbm & 2) != 0 ? MXCSR_DEFAULT : image.get(U32_LE, MXCSR);
        int mask = image.get(U32_LE, MXCSR_MASK);
        if (mask == 0) mask = MXCSR_MASK_DEFAULT;
        if (loadMxcsr && (mxcsr & ~mask) != 0) throw GuestFault.generalProtection(0, String.format("%s: reserved MXCSR bits in 0x%x", name, mxcsr));

        if ((rfbm & 1) != 0) {
            if ((xstateBv & 1) != 0) {
                MemorySegment.copy(area, 0, image, 0, X87_CONTROL_END);
                MemorySegment.copy(area, ST_START, image, ST_START, ST_END - ST_START);
            } else {
                image.asSlice(0, X87_CONTROL_END).fill((byte) 0);
                image.set(U16_LE, X87Control.FCW, X87Control.FCW_INIT);
                image.asSlice(ST_START, ST_END - ST_START).fill((byte) 0);
            }
        }
        if ((rfbm & 2) != 0) {
            if ((xstateBv & 2) != 0) MemorySegment.copy(area, XMM_START, image, XMM_START, XMM_END - XMM_START);
            else image.asSlice(XMM_START, XMM_END - XMM_START).fill((byte) 0);
        }
        image.set(U32_LE, MXCSR, mxcsr);
        for (int i = 2; i <= MAX_COMPONENT; i++) {
            long bit = 1L << i;
            if ((rfbm & bit) == 0) continue;
            MemorySegment target = image.asSlice(layout.standardOffset[i], layout.size[i]);
            if ((xstateBv & bit) != 0) MemorySegment.copy(area, compacted ? offsets[i] : layout.standardOffset[i], target, 0, layout.size[i]);
            else target.fill((byte) 0);
        }
        long imageBv = (image.get(U64_LE, HEADER) & ~rfbm) | (xstateBv & rfbm);
        // KVM applies MXCSR only while x87, SSE or AVX state is marked in use; zero XMM registers are SSE's initial state.
        if ((imageBv & 7) == 0 && mxcsr != MXCSR_DEFAULT) imageBv |= 2;
        image.set(U64_LE, HEADER, imageBv);
        cpu.xsaveImageChanged();
    }

    private static boolean zero(MemorySegment s, int from, int to) {
        for (int i = from; i < to; i++) if (s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) != 0) return false;
        return true;
    }

    private static void writeQuad(LinearMemory memory, long linear, long value) throws GuestFault, EmulationRefused {
        MemorySegment buf = MemorySegment.ofArray(new byte[8]);
        buf.set(U64_LE, 0, value);
        memory.write(linear, buf, 0, 8);
    }
}
