package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.panavisor.vmm.memory.GuestMemory.U16_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;
import static dev.panavisor.vmm.vcpu.fallback.X87DataTransfer.*;

/**
 * FCOMI, FCOMIP, FUCOMI, FUCOMIP ST(0), ST(i) (SDM vol. 2, FCOMI/FCOMIP/FUCOMI/FUCOMIP):
 * compares two double extended values, which needs no rounding, and reports the result in
 * ZF, PF and CF (OF, SF, AF cleared): greater 000, less CF, equal ZF, unordered all three.
 * An empty register (stack underflow), any NaN for the ordered FCOMI forms, an SNaN for the
 * unordered forms and unsupported encodings raise IE; a denormal operand raises DE. Masked,
 * IE gives "unordered"; an unmasked exception, and unsupported encodings, stop the VM
 * instead (the x87 exception paths are not modelled beyond masked responses).
 */
final class X87Compare {
    private X87Compare() {}

    private static final long FLAGS = CpuState.RFLAGS_ZF | CpuState.RFLAGS_PF | CpuState.RFLAGS_CF
            | CpuState.RFLAGS_OF | CpuState.RFLAGS_SF | CpuState.RFLAGS_AF;

    static void compare(DecodedInstruction insn, CpuState cpu, MemorySegment image, int fcw, int fsw) throws EmulationRefused {
        String name = insn.kind().mnemonic();
        boolean ordered = insn.kind() == InstructionKind.FCOMI || insn.kind() == InstructionKind.FCOMIP;
        boolean pop = insn.kind() == InstructionKind.FCOMIP || insn.kind() == InstructionKind.FUCOMIP;
        int i = insn.rmRegister() & 7;
        int top = (fsw & TOP_MASK) >> TOP_SHIFT;
        int tags = image.get(ValueLayout.JAVA_BYTE, X87Control.FTW) & 0xFF;
        int raised = 0;
        long result; // ZF|PF|CF bits
        if ((tags & (1 << top)) == 0 || (tags & (1 << ((top + i) & 7))) == 0) {
            raised = FSW_IE | FSW_SF;
            result = CpuState.RFLAGS_ZF | CpuState.RFLAGS_PF | CpuState.RFLAGS_CF;
        } else {
            long a = image.get(U64_LE, ST_BASE), b = image.get(U64_LE, ST_BASE + (long) ST_STRIDE * i);
            int ae = image.get(U16_LE, ST_BASE + 8) & 0xFFFF, be = image.get(U16_LE, ST_BASE + (long) ST_STRIDE * i + 8) & 0xFFFF;
            if (unsupported(a, ae) || unsupported(b, be)) {
                throw new EmulationRefused(name + " of an unsupported double extended encoding (IE) is not emulated");
            }
            boolean aNan = nan(a, ae), bNan = nan(b, be);
            if (aNan || bNan) {
                boolean signalling = (aNan && (a & (1L << 62)) == 0) || (bNan && (b & (1L << 62)) == 0);
                if (ordered || signalling) raised |= FSW_IE;
                result = CpuState.RFLAGS_ZF | CpuState.RFLAGS_PF | CpuState.RFLAGS_CF;
            } else {
                if (denormal(a, ae) || denormal(b, be)) raised |= FSW_DE;
                int c = compareValues(a, ae, b, be);
                result = c > 0 ? 0 : c < 0 ? CpuState.RFLAGS_CF : CpuState.RFLAGS_ZF;
            }
        }
        if ((raised & ~fcw & 0x3F) != 0) {
            throw new EmulationRefused(String.format("%s raised an unmasked x87 exception (FSW flags 0x%x, FCW 0x%04x): not emulated", name, raised, fcw));
        }
        fsw = (fsw | raised) & ~FSW_C1;
        if (pop) fsw = pop(image, fsw);
        image.set(U16_LE, X87Control.FSW, (short) fsw);
        cpu.setRflags((cpu.rflags() & ~FLAGS) | result);
    }

    /** Unnormals, pseudo-NaNs and pseudo-infinities: the integer bit clear with a non-zero exponent (SDM vol. 1, 8.2.2). */
    static boolean unsupported(long significand, int signExponent) {
        int e = signExponent & 0x7FFF;
        return e != 0 && significand >= 0;
    }

    static boolean nan(long significand, int signExponent) {
        return (signExponent & 0x7FFF) == 0x7FFF && significand != Long.MIN_VALUE;
    }

    static boolean denormal(long significand, int signExponent) {
        return (signExponent & 0x7FFF) == 0 && significand != 0;
    }

    /** Orders two non-NaN supported values; +0 equals -0. */
    static int compareValues(long a, int ae, long b, int be) {
        boolean aZero = a == 0, bZero = b == 0;
        if (aZero && bZero) return 0;
        int aSign = aZero ? 0 : (ae >>> 15) == 1 ? -1 : 1;
        int bSign = bZero ? 0 : (be >>> 15) == 1 ? -1 : 1;
        if (aSign != bSign) return Integer.compare(aSign, bSign);
        // Same sign, both non-zero: compare magnitudes; a (pseudo-)denormal's value is that of exponent 1.
        int am = Math.max(ae & 0x7FFF, 1), bm = Math.max(be & 0x7FFF, 1);
        int magnitude = am != bm ? Integer.compare(am, bm) : Long.compareUnsigned(a, b);
        return aSign * magnitude;
    }
}
