package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;

import static dev.panavisor.vmm.memory.GuestMemory.U16_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;

/**
 * FILD m16/m32/m64int, FLD m32/m64fp, FLDZ, FLD1 and (through {@link X87Compare}) the
 * FCOMI family (SDM vol. 2, FILD, FLD, FCOMI) against the
 * x87 register stack in the XSAVE image's legacy region. The image keeps ST(0)..ST(7) in
 * stack order at 32 + 16*i (SDM vol. 1, 10.5.1, table 10-2), FSW.TOP in bits 13:11 and the
 * abridged tag word by physical register (bit j = R[j] not empty).
 *
 * <p>These loads are exact in double extended precision. Stores (FST/FSTP, FIST/FISTP...),
 * arithmetic and everything else of D8-DF is {@link X87Operations}.
 */
final class X87DataTransfer implements Executor {
    static final int ST_BASE = 32, ST_STRIDE = 16;
    static final int FSW_IE = 1, FSW_DE = 2, FSW_SF = 1 << 6, FSW_ES = 1 << 7, FSW_C1 = 1 << 9, FSW_B = 1 << 15;
    static final int TOP_SHIFT = 11, TOP_MASK = 7 << TOP_SHIFT;
    static final int EXTENDED_BIAS = 16383;
    /** The QNaN floating-point indefinite in double extended precision (SDM vol. 1, 4.8.3.7). */
    private static final long INDEFINITE_SIGNIFICAND = 0xC000_0000_0000_0000L;
    private static final int INDEFINITE_SIGN_EXPONENT = 0xFFFF;

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        String name = insn.kind().mnemonic();
        if (insn.lock()) throw GuestFault.undefinedOpcode(name + " with LOCK");
        long cr0 = cpu.cr0();
        if ((cr0 & (CpuState.CR0_EM | CpuState.CR0_TS)) != 0) throw GuestFault.deviceNotAvailable(name + " with CR0.EM or CR0.TS set");
        MemorySegment image = cpu.xsaveImage();
        int fcw = image.get(U16_LE, X87Control.FCW) & 0xFFFF;
        int fsw = image.get(U16_LE, X87Control.FSW) & 0xFFFF;
        // A waiting x87 instruction first reports a pending unmasked exception (SDM vol. 1, 8.6).
        if ((fsw & ~fcw & 0x3F) != 0) {
            if ((cr0 & CpuState.CR0_NE) != 0) throw GuestFault.x87FloatingPoint(name + " with an unmasked x87 exception pending");
            throw new EmulationRefused(name + " with an unmasked x87 exception pending and CR0.NE clear (FERR# is not modelled)");
        }
        long linear = insn.hasMemoryOperand() ? EffectiveAddress.linear(insn, cpu) : 0;
        switch (insn.kind()) {
            case FILD16, FILD32, FILD64, FLD32, FLD64, FLDZ, FLD1 -> load(insn, cpu, memory, image, linear, fcw, fsw);
            case FCOMI, FCOMIP, FUCOMI, FUCOMIP -> X87Compare.compare(insn, cpu, image, fcw, fsw);
            default -> throw new IllegalStateException(insn.kind().name());
        }
        image.set(U64_LE, X87Control.XSTATE_BV, image.get(U64_LE, X87Control.XSTATE_BV) | 1L);
        cpu.xsaveImageChanged();
    }

    private static void load(DecodedInstruction insn, CpuState cpu, LinearMemory memory, MemorySegment image, long linear,
                             int fcw, int fsw) throws GuestFault, EmulationRefused {
        int bytes = switch (insn.kind()) { case FILD16 -> 2; case FILD32, FLD32 -> 4; case FLDZ, FLD1 -> 0; default -> 8; };
        long raw = bytes == 0 ? 0 : memory.readLong(linear, bytes);
        boolean constant = bytes == 0;
        boolean real = insn.kind() == InstructionKind.FLD32 || insn.kind() == InstructionKind.FLD64;
        long value = bytes == 8 || bytes == 0 ? raw : (raw << (64 - 8 * bytes)) >> (64 - 8 * bytes);
        int top = (fsw & TOP_MASK) >> TOP_SHIFT;
        int newTop = (top - 1) & 7;
        int tags = image.get(java.lang.foreign.ValueLayout.JAVA_BYTE, X87Control.FTW) & 0xFF;
        long significand;
        int signExponent;
        if ((tags & (1 << newTop)) != 0) {
            // Stack overflow (SDM vol. 1, 8.5.1.1): IE, SF and C1 set; masked, the indefinite is pushed.
            fsw |= FSW_IE | FSW_SF | FSW_C1;
            if ((fcw & FSW_IE) == 0) {
                image.set(U16_LE, X87Control.FSW, (short) (fsw | FSW_ES | FSW_B));
                return;
            }
            significand = INDEFINITE_SIGNIFICAND;
            signExponent = INDEFINITE_SIGN_EXPONENT;
        } else if (constant) {
            // FLDZ: +0.0; FLD1: +1.0 (SDM vol. 2, FLD1/FLDL2T/.../FLDZ): exact, C1 cleared.
            fsw &= ~FSW_C1;
            significand = insn.kind() == InstructionKind.FLD1 ? Long.MIN_VALUE : 0;
            signExponent = insn.kind() == InstructionKind.FLD1 ? EXTENDED_BIAS : 0;
        } else if (real) {
            fsw &= ~FSW_C1;
            long[] extended = extend(raw, bytes == 4, fcw);
            if (extended == null) {
                throw new EmulationRefused(String.format("%s of 0x%x: a signalling NaN or a denormal with its exception unmasked is not emulated",
                        insn.kind().mnemonic(), raw));
            }
            significand = extended[0];
            signExponent = (int) extended[1];
            fsw |= (int) extended[2];
        } else {
            fsw &= ~FSW_C1;
            if (value == 0) {
                significand = 0;
                signExponent = 0;
            } else {
                long magnitude = value < 0 ? -value : value; // Long.MIN_VALUE stays 2^63 as an unsigned magnitude
                int shift = Long.numberOfLeadingZeros(magnitude);
                significand = magnitude << shift;
                signExponent = (value < 0 ? 0x8000 : 0) | (EXTENDED_BIAS + 63 - shift);
            }
        }
        // Push: ST(i) becomes ST(i+1); the slot of the old ST(7) is the register being loaded.
        MemorySegment.copy(image, ST_BASE, image, ST_BASE + ST_STRIDE, 7L * ST_STRIDE);
        image.asSlice(ST_BASE, ST_STRIDE).fill((byte) 0);
        image.set(U64_LE, ST_BASE, significand);
        image.set(U16_LE, ST_BASE + 8, (short) signExponent);
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, X87Control.FTW, (byte) (tags | (1 << newTop)));
        image.set(U16_LE, X87Control.FSW, (short) ((fsw & ~TOP_MASK) | (newTop << TOP_SHIFT)));
    }

    /** Pops the register stack: R[TOP] becomes empty and keeps its contents, which are now ST(7). Returns the new FSW. */
    static int pop(MemorySegment image, int fsw) {
        int top = (fsw & TOP_MASK) >> TOP_SHIFT;
        int tags = image.get(java.lang.foreign.ValueLayout.JAVA_BYTE, X87Control.FTW) & 0xFF;
        byte[] st0 = image.asSlice(ST_BASE, ST_STRIDE).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        MemorySegment.copy(image, ST_BASE + ST_STRIDE, image, ST_BASE, 7L * ST_STRIDE);
        MemorySegment.copy(MemorySegment.ofArray(st0), 0, image, ST_BASE + 7L * ST_STRIDE, ST_STRIDE);
        image.set(java.lang.foreign.ValueLayout.JAVA_BYTE, X87Control.FTW, (byte) (tags & ~(1 << top)));
        return (fsw & ~TOP_MASK) | (((top + 1) & 7) << TOP_SHIFT);
    }

    /**
     * A binary32/binary64 value in double extended precision (SDM vol. 1, 4.2.2): always exact.
     * Returns {significand, sign and exponent, FSW flags raised}, or null when the load needs an
     * unmasked exception (denormal operand with DM clear) or is a signalling NaN (IE).
     */
    static long[] extend(long raw, boolean single, int fcw) {
        int fractionBits = single ? 23 : 52;
        int exponentBits = single ? 8 : 11;
        int bias = (1 << (exponentBits - 1)) - 1;
        int sign = (int) (raw >>> (fractionBits + exponentBits)) & 1;
        int exponent = (int) (raw >>> fractionBits) & ((1 << exponentBits) - 1);
        long fraction = raw & ((1L << fractionBits) - 1);
        int signBit = sign << 15;
        if (exponent == 0 && fraction == 0) return new long[]{0, signBit, 0};
        if (exponent == (1 << exponentBits) - 1) {
            if (fraction == 0) return new long[]{Long.MIN_VALUE, signBit | 0x7FFF, 0};
            if ((fraction >>> (fractionBits - 1)) == 0) return null; // SNaN: IE
            return new long[]{Long.MIN_VALUE | (fraction << (63 - fractionBits)), signBit | 0x7FFF, 0};
        }
        if (exponent == 0) {
            // Denormal operand (DE): masked, the value is normalised, which is exact.
            if ((fcw & 2) == 0) return null;
            int shift = Long.numberOfLeadingZeros(fraction);
            long significand = fraction << shift;
            int unbiased = (1 - bias) - (shift - (63 - fractionBits));
            return new long[]{significand, signBit | (unbiased + EXTENDED_BIAS), 2};
        }
        long significand = Long.MIN_VALUE | (fraction << (63 - fractionBits));
        return new long[]{significand, signBit | (exponent - bias + EXTENDED_BIAS), 0};
    }
}
