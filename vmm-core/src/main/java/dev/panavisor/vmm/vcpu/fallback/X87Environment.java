package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.panavisor.vmm.memory.GuestMemory.U16_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U32_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;

/**
 * FNSTENV, FLDENV, FNSAVE, FRSTOR in the protected-mode formats (SDM vol. 1, 8.1.10, figures
 * 8-9 and 8-10; vol. 2, their pages): the 28-byte environment with a 32-bit (or 64-bit) operand
 * size, the 14-byte one with a 16-bit operand size, and for FNSAVE/FRSTOR the eight registers
 * ST(0)..ST(7) after it, 10 bytes each (108 or 94 bytes in all).
 *
 * <p>The environment holds the full tag word (2 bits a physical register: 00 valid, 01 zero,
 * 10 special, 11 empty, computed from the registers' contents as the CPU does; FLDENV keeps
 * only empty/not empty, which is all the XSAVE image holds). KVM's XSAVE image keeps FIP and
 * FDP as 64-bit offsets without selectors: FNSTENV stores their low 32 (16) bits and zero
 * selectors; FLDENV loads the offsets zero-extended. Reserved upper halves are stored as
 * 0xFFFF, as this host's x87 does. FNSTENV then masks every exception (FCW bits 5:0);
 * FNSAVE then initialises the x87 as FNINIT. None of the four checks for a pending exception
 * (they are the non-waiting and environment-loading forms); a pending exception loaded by
 * FLDENV/FRSTOR is reported by the next waiting instruction. The real-address and
 * virtual-8086 formats are not carried out (EmulationRefused).
 */
final class X87Environment implements Executor {
    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        String name = insn.kind().mnemonic();
        if (insn.lock()) throw GuestFault.undefinedOpcode(name + " with LOCK");
        if ((cpu.cr0() & (CpuState.CR0_EM | CpuState.CR0_TS)) != 0) throw GuestFault.deviceNotAvailable(name + " with CR0.EM or CR0.TS set");
        if (cpu.realMode() || cpu.virtual8086()) {
            throw new EmulationRefused(name + " in real-address or virtual-8086 mode (its FIP/FDP layout) is not emulated");
        }
        boolean small = insn.operandSize() == 16;
        int envBytes = small ? 14 : 28;
        boolean registers = insn.kind() == InstructionKind.FNSAVE || insn.kind() == InstructionKind.FRSTOR;
        int total = envBytes + (registers ? 80 : 0);
        long linear = EffectiveAddress.linear(insn, cpu);
        MemorySegment image = cpu.xsaveImage();
        MemorySegment buf = MemorySegment.ofArray(new byte[total]);
        switch (insn.kind()) {
            case FNSTENV, FNSAVE -> {
                storeEnvironment(image, buf, small);
                if (registers) {
                    for (int i = 0; i < 8; i++) {
                        long from = X87Operations.ST_BASE + (long) X87Operations.ST_STRIDE * i;
                        MemorySegment.copy(image, from, buf, envBytes + 10L * i, 10);
                    }
                }
                memory.write(linear, buf, 0, total);
                if (registers) {
                    initialise(image);
                } else {
                    image.set(U16_LE, X87Control.FCW, (short) (image.get(U16_LE, X87Control.FCW) | 0x3F));
                }
            }
            case FLDENV, FRSTOR -> {
                memory.read(linear, buf, 0, total);
                loadEnvironment(image, buf, small);
                if (registers) {
                    for (int i = 0; i < 8; i++) {
                        long to = X87Operations.ST_BASE + (long) X87Operations.ST_STRIDE * i;
                        MemorySegment.copy(buf, envBytes + 10L * i, image, to, 10);
                        image.asSlice(to + 10, 6).fill((byte) 0);
                    }
                }
            }
            default -> throw new IllegalStateException(name);
        }
        image.set(U64_LE, X87Control.XSTATE_BV, image.get(U64_LE, X87Control.XSTATE_BV) | 1L);
        cpu.xsaveImageChanged();
    }

    private static void storeEnvironment(MemorySegment image, MemorySegment buf, boolean small) {
        int fcw = image.get(U16_LE, X87Control.FCW) & 0xFFFF;
        int fsw = image.get(U16_LE, X87Control.FSW) & 0xFFFF;
        int tag = fullTagWord(image);
        int fop = image.get(U16_LE, X87Control.FOP) & 0x7FF;
        long fip = image.get(U64_LE, X87Control.FIP), fdp = image.get(U64_LE, X87Control.FDP);
        if (small) {
            buf.set(U16_LE, 0, (short) fcw);
            buf.set(U16_LE, 2, (short) fsw);
            buf.set(U16_LE, 4, (short) tag);
            buf.set(U16_LE, 6, (short) fip);
            buf.set(U16_LE, 8, (short) 0);
            buf.set(U16_LE, 10, (short) fdp);
            buf.set(U16_LE, 12, (short) 0);
        } else {
            buf.set(U32_LE, 0, 0xFFFF_0000 | fcw);
            buf.set(U32_LE, 4, 0xFFFF_0000 | fsw);
            buf.set(U32_LE, 8, 0xFFFF_0000 | tag);
            buf.set(U32_LE, 12, (int) fip);
            buf.set(U32_LE, 16, fop << 16);
            buf.set(U32_LE, 20, (int) fdp);
            buf.set(U32_LE, 24, 0xFFFF_0000);
        }
    }

    private static void loadEnvironment(MemorySegment image, MemorySegment buf, boolean small) {
        int fcw, fsw, tag, fop;
        long fip, fdp;
        if (small) {
            fcw = buf.get(U16_LE, 0) & 0xFFFF;
            fsw = buf.get(U16_LE, 2) & 0xFFFF;
            tag = buf.get(U16_LE, 4) & 0xFFFF;
            fip = buf.get(U16_LE, 6) & 0xFFFF;
            fdp = buf.get(U16_LE, 10) & 0xFFFF;
            fop = 0;
        } else {
            fcw = buf.get(U32_LE, 0) & 0xFFFF;
            fsw = buf.get(U32_LE, 4) & 0xFFFF;
            tag = buf.get(U32_LE, 8) & 0xFFFF;
            fip = buf.get(U32_LE, 12) & 0xFFFF_FFFFL;
            fop = (buf.get(U32_LE, 16) >>> 16) & 0x7FF;
            fdp = buf.get(U32_LE, 20) & 0xFFFF_FFFFL;
        }
        int abridged = 0;
        for (int j = 0; j < 8; j++) if (((tag >> (2 * j)) & 3) != 3) abridged |= 1 << j;
        image.set(U16_LE, X87Control.FCW, (short) fcw);
        image.set(U16_LE, X87Control.FSW, (short) fsw);
        image.set(ValueLayout.JAVA_BYTE, X87Control.FTW, (byte) abridged);
        image.set(U16_LE, X87Control.FOP, (short) fop);
        image.set(U64_LE, X87Control.FIP, fip);
        image.set(U64_LE, X87Control.FDP, fdp);
    }

    /** The full tag word from the abridged one and the registers (SDM vol. 1, 8.1.7 and 10.5.1.1). */
    static int fullTagWord(MemorySegment image) {
        int top = (image.get(U16_LE, X87Control.FSW) >> 11) & 7;
        int abridged = image.get(ValueLayout.JAVA_BYTE, X87Control.FTW) & 0xFF;
        int word = 0;
        for (int j = 0; j < 8; j++) {
            int tag;
            if ((abridged & (1 << j)) == 0) {
                tag = 3;
            } else {
                long base = X87Operations.ST_BASE + (long) X87Operations.ST_STRIDE * ((j - top) & 7);
                long significand = image.get(U64_LE, base);
                int exponent = image.get(U16_LE, base + 8) & 0x7FFF;
                if (exponent == 0x7FFF) tag = 2;
                else if (exponent == 0) tag = significand == 0 ? 1 : 2;
                else tag = significand < 0 ? 0 : 2;
            }
            word |= tag << (2 * j);
        }
        return word;
    }

    /** What FNSAVE leaves: the state of FNINIT (SDM vol. 2, FSAVE/FNSAVE). */
    private static void initialise(MemorySegment image) {
        image.set(U16_LE, X87Control.FCW, X87Control.FCW_INIT);
        image.set(U16_LE, X87Control.FSW, (short) 0);
        image.set(ValueLayout.JAVA_BYTE, X87Control.FTW, (byte) 0);
        image.set(U16_LE, X87Control.FOP, (short) 0);
        image.set(U64_LE, X87Control.FIP, 0L);
        image.set(U64_LE, X87Control.FDP, 0L);
    }
}
