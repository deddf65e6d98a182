package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.panavisor.vmm.memory.GuestMemory.U16_LE;
import static dev.panavisor.vmm.memory.GuestMemory.U64_LE;

/**
 * The x87 loads, stores, arithmetic, comparisons and register-stack instructions of
 * {@link InstructionKind#isX87Operation()} (SDM vol. 2, the pages of FADD ... FXCH; vol. 1,
 * ch. 8), against the x87 state in the XSAVE image's legacy region: FCW, FSW (TOP in bits
 * 13:11), the abridged tag word by physical register (bit j = R[j] not empty) and ST(0)..ST(7)
 * in stack order. The arithmetic itself (rounding to FCW.PC/RC, special operands, the masked
 * responses and the flags they raise) is {@link X87Arithmetic}'s; this class owns the
 * operands, the register stack (TOP, tags, stack faults), the condition codes and what an
 * exception does given the FCW masks:
 * <ul>
 * <li>stack overflow/underflow (vol. 1, 8.5.1.1): IE and SF, C1 = 1 for overflow, 0 for
 *     underflow; masked, the indefinite is the result (pushed, stored or loaded);</li>
 * <li>an unmasked IE, DE or ZE (pre-computation, vol. 1, 8.5.1.2, 8.5.2, 8.5.3): the flag,
 *     ES and B are set and nothing else changes (no store, no pop, TOP unchanged);</li>
 * <li>an unmasked OE or UE: to memory, as above (vol. 1, 8.5.4, 8.5.5); to a register, the
 *     bias-adjusted result is not modelled, so the VM stops (EmulationRefused);</li>
 * <li>an unmasked PE (vol. 1, 8.5.6): the rounded result is delivered, then ES and B.</li>
 * </ul>
 * ES set here is reported as #MF by the next waiting x87 instruction (FWAIT in
 * {@link X87Control}, or any instruction of this class, see {@link #execute}). C1 otherwise reflects the core's "rounded up" flag when PE is
 * raised, else 0.
 */
final class X87Operations implements Executor {
    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32, SF = 1 << 6, ES = 1 << 7;
    static final int C0 = 1 << 8, C1 = 1 << 9, C2 = 1 << 10, C3 = 1 << 14, B = 1 << 15;
    static final int CONDITION = C0 | C1 | C2 | C3;
    /** The XSAVE legacy region keeps ST(0)..ST(7) in stack order at 32 + 16*i (SDM vol. 1, 10.5.1, table 10-2). */
    static final int ST_BASE = 32, ST_STRIDE = 16;

    /** Thrown inside to abandon the instruction after an unmasked exception: only FSW changes. */
    private static final class Abandon extends Exception {
        Abandon() { super(null, null, false, false); }
    }

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        String name = insn.kind().mnemonic();
        if (insn.lock()) throw GuestFault.undefinedOpcode(name + " with LOCK");
        long cr0 = cpu.cr0();
        if ((cr0 & (CpuState.CR0_EM | CpuState.CR0_TS)) != 0) throw GuestFault.deviceNotAvailable(name + " with CR0.EM or CR0.TS set");
        MemorySegment image = cpu.xsaveImage();
        Stack s = new Stack(image);
        // Every instruction here is a waiting one: a pending unmasked exception is reported first (vol. 1, 8.6).
        if ((s.fsw & ~s.fcw & 0x3F) != 0) {
            if ((cr0 & CpuState.CR0_NE) != 0) throw GuestFault.x87FloatingPoint(name + " with an unmasked x87 exception pending");
            throw new EmulationRefused(name + " with an unmasked x87 exception pending and CR0.NE clear (FERR# is not modelled)");
        }
        long linear = insn.hasMemoryOperand() ? EffectiveAddress.linear(insn, cpu) : 0;
        try {
            run(insn, cpu, memory, s, linear);
        } catch (Abandon a) {
            s.abandon();
        }
        s.write(image);
        // The last-instruction pointers an x87 exception handler reads (SDM vol. 1, 8.1.8): FIP
        // and, for a memory operand, FDP, as the 64-bit offsets of KVM's image.
        image.set(U64_LE, X87Control.FIP, cpu.rip());
        if (insn.hasMemoryOperand()) image.set(U64_LE, X87Control.FDP, linear);
        // FOP outside the fopcode compatibility sub-mode (vol. 1, 8.1.9.1): defined only after an
        // instruction that leaves an unmasked exception pending, so only then written (this host's
        // x87 too stores FOP 0 after exception-free FNINIT; FLDZ; FLD m64, X87EnvironmentTest).
        if ((s.fsw & ~s.fcw & 0x3F) != 0) image.set(U16_LE, X87Control.FOP, (short) insn.x87Opcode());
        image.set(U64_LE, X87Control.XSTATE_BV, image.get(U64_LE, X87Control.XSTATE_BV) | 1L);
        cpu.xsaveImageChanged();
    }

    private static void run(DecodedInstruction insn, CpuState cpu, LinearMemory memory, Stack s, long linear)
            throws GuestFault, EmulationRefused, Abandon {
        InstructionKind k = insn.kind();
        int i = insn.rmRegister() & 7;
        switch (k) {
            case FILD16 -> pushChecked(s, readInteger(memory, linear, 2));
            case FILD32 -> pushChecked(s, readInteger(memory, linear, 4));
            case FILD64 -> pushChecked(s, readInteger(memory, linear, 8));
            case FLDZ -> pushChecked(s, ExtendedReal.POSITIVE_ZERO);
            case FLD1 -> pushChecked(s, ExtendedReal.ONE);
            case FLD32, FLD64 -> {
                // An SNaN raises IE (masked: loaded quieted), a denormal DE (masked: loaded normalised); SDM vol. 2, FLD.
                X87Result r = readReal(memory, linear, k == InstructionKind.FLD32 ? 4 : 8, s.fcw);
                if (s.emptyPhysical((s.top - 1) & 7)) admit(s, r.flags(), true);
                pushChecked(s, r.value());
            }
            case FCOMI, FCOMIP, FUCOMI, FUCOMIP -> compareToEflags(k, cpu, s, i);
            case FST32, FSTP32, FST64, FSTP64 -> storeReal(k, memory, s, linear);
            case FIST16, FIST32, FISTP16, FISTP32, FISTP64, FISTTP16, FISTTP32, FISTTP64 -> storeInteger(k, memory, s, linear);
            case FSTP80 -> storeExtended(memory, s, linear);
            case FLD80 -> {
                MemorySegment buf = MemorySegment.ofArray(new byte[10]);
                memory.read(linear, buf, 0, 10);
                pushChecked(s, new ExtendedReal(buf.get(U16_LE, 8) & 0xFFFF, buf.get(U64_LE, 0)));
            }
            case FLD_STI -> pushChecked(s, s.empty(i) ? null : s.st(i));
            case FBLD -> {
                // 18 packed BCD digits, sign in bit 7 of byte 9: always exact (SDM vol. 2, FBLD; vol. 1, 4.7).
                MemorySegment buf = MemorySegment.ofArray(new byte[10]);
                memory.read(linear, buf, 0, 10);
                long value = 0;
                for (int b = 8; b >= 0; b--) {
                    int pair = buf.get(ValueLayout.JAVA_BYTE, b) & 0xFF;
                    value = value * 100 + (pair >> 4) * 10 + (pair & 0xF); // digits above 9 are undefined on hardware
                }
                boolean negative = (buf.get(ValueLayout.JAVA_BYTE, 9) & 0x80) != 0;
                ExtendedReal v = ExtendedReal.fromInteger(value);
                pushChecked(s, negative ? (value == 0 ? ExtendedReal.NEGATIVE_ZERO : v.negate()) : v);
            }
            case FBSTP -> storeBcd(memory, s, linear);
            case FLDPI, FLDL2T, FLDL2E, FLDLG2, FLDLN2 -> pushChecked(s, constant(k, s.fcw));
            case FXCH -> {
                if (s.empty(0) || s.empty(i)) {
                    underflow(s);
                    if (s.empty(0)) s.set(0, ExtendedReal.INDEFINITE);
                    if (s.empty(i)) s.set(i, ExtendedReal.INDEFINITE);
                }
                ExtendedReal t = s.st(0);
                s.set(0, s.st(i));
                s.set(i, t);
                s.fsw &= ~C1;
            }
            case FST_STI, FSTP_STI -> {
                s.set(i, st0OrIndefinite(s));
                if (k == InstructionKind.FSTP_STI) s.pop();
            }
            case FCMOVB, FCMOVE, FCMOVBE, FCMOVU, FCMOVNB, FCMOVNE, FCMOVNBE, FCMOVNU -> {
                if (s.empty(0) || s.empty(i)) {
                    underflow(s);
                    s.set(0, ExtendedReal.INDEFINITE);
                } else {
                    s.fsw &= ~C1;
                    if (condition(k, cpu.rflags())) s.set(0, s.st(i));
                }
            }
            case FCHS, FABS -> {
                if (s.empty(0)) {
                    underflow(s);
                    s.set(0, ExtendedReal.INDEFINITE);
                } else {
                    s.fsw &= ~C1;
                    s.set(0, k == InstructionKind.FCHS ? s.st(0).negate() : s.st(0).abs());
                }
            }
            case FFREE -> s.free(i);
            case FINCSTP -> { s.rotate(1); s.fsw &= ~C1; }
            case FDECSTP -> { s.rotate(-1); s.fsw &= ~C1; }
            case FNOP -> { }
            case FXAM -> examine(s);
            case FTST -> compare(s, new X87Result(ExtendedReal.POSITIVE_ZERO, 0), 0, false, 0);
            case FCOM32, FCOMP32 -> compare(s, readReal(memory, linear, 4, s.fcw), 0, false, k == InstructionKind.FCOMP32 ? 1 : 0);
            case FCOM64, FCOMP64 -> compare(s, readReal(memory, linear, 8, s.fcw), 0, false, k == InstructionKind.FCOMP64 ? 1 : 0);
            case FICOM16, FICOMP16 -> compare(s, new X87Result(readInteger(memory, linear, 2), 0), 0, false, k == InstructionKind.FICOMP16 ? 1 : 0);
            case FICOM32, FICOMP32 -> compare(s, new X87Result(readInteger(memory, linear, 4), 0), 0, false, k == InstructionKind.FICOMP32 ? 1 : 0);
            case FCOM_STI -> compare(s, null, i, false, 0);
            case FCOMP_STI -> compare(s, null, i, false, 1);
            case FCOMPP -> compare(s, null, 1, false, 2);
            case FUCOM -> compare(s, null, i, true, 0);
            case FUCOMP -> compare(s, null, i, true, 1);
            case FUCOMPP -> compare(s, null, 1, true, 2);
            case FSQRT, FRNDINT -> {
                if (s.empty(0)) {
                    underflow(s);
                    s.set(0, ExtendedReal.INDEFINITE);
                    return;
                }
                X87Result r = k == InstructionKind.FSQRT ? X87Arithmetic.squareRoot(s.st(0), s.fcw)
                        : X87Arithmetic.roundToIntegral(s.st(0), s.fcw);
                deliver(s, 0, r);
            }
            case FSCALE -> {
                if (s.empty(0) || s.empty(1)) {
                    underflow(s);
                    s.set(0, ExtendedReal.INDEFINITE);
                    return;
                }
                deliver(s, 0, X87Arithmetic.scale(s.st(0), s.st(1), s.fcw));
            }
            case FPREM, FPREM1 -> {
                if (s.empty(0) || s.empty(1)) {
                    underflow(s);
                    s.set(0, ExtendedReal.INDEFINITE);
                    return;
                }
                X87Remainder r = X87Arithmetic.remainder(s.st(0), s.st(1), k == InstructionKind.FPREM1, s.fcw);
                if (!admit(s, r.flags(), true)) return;
                s.fsw = (s.fsw & ~CONDITION) | (r.conditionBits() & CONDITION);
                s.set(0, r.value());
            }
            case FXTRACT -> {
                // ST(0) becomes the exponent, then the significand is pushed (SDM vol. 2, FXTRACT).
                if (s.empty(0)) {
                    underflow(s);
                    s.set(0, ExtendedReal.INDEFINITE);
                    pushChecked(s, ExtendedReal.INDEFINITE);
                    return;
                }
                if (!s.emptyPhysical((s.top - 1) & 7)) {
                    pushChecked(s, ExtendedReal.INDEFINITE); // overflow: IE, SF, C1; masked, pushes the indefinite
                    s.set(1, ExtendedReal.INDEFINITE);
                    return;
                }
                X87Result[] r = X87Arithmetic.extract(s.st(0), s.fcw);
                admit(s, r[0].flags(), true);
                s.set(0, r[0].value());
                s.push(r[1].value());
            }
            default -> arithmetic(k, memory, s, linear, i);
        }
    }

    // ---- arithmetic -------------------------------------------------------------------------

    private enum Op { ADD, MUL, SUB, SUBR, DIV, DIVR }

    private enum Form { M32, M64, I16, I32, ST0_STI, STI_ST0, POP }

    /**
     * FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR and their P and FI forms. The destination is ST(0) for the
     * memory and ST(0),ST(i) forms, ST(i) for the ST(i),ST(0) and P forms; "R" swaps the
     * operands: the destination's old value is the subtrahend/divisor.
     */
    private static void arithmetic(InstructionKind k, LinearMemory memory, Stack s, long linear, int i)
            throws GuestFault, EmulationRefused, Abandon {
        String n = k.name();
        Form form;
        String opName;
        if (n.startsWith("FI")) {
            form = n.endsWith("16") ? Form.I16 : Form.I32;
            opName = n.substring(2, n.length() - 2);
        } else if (n.endsWith("_ST0_STI")) {
            form = Form.ST0_STI;
            opName = n.substring(1, n.length() - 8);
        } else if (n.endsWith("_STI_ST0")) {
            form = Form.STI_ST0;
            opName = n.substring(1, n.length() - 8);
        } else if (n.endsWith("32") || n.endsWith("64")) {
            form = n.endsWith("32") ? Form.M32 : Form.M64;
            opName = n.substring(1, n.length() - 2);
        } else if (n.endsWith("P")) {
            form = Form.POP;
            opName = n.substring(1, n.length() - 1);
        } else {
            throw new IllegalStateException(n);
        }
        Op op = Op.valueOf(opName);
        int dest = form == Form.STI_ST0 || form == Form.POP ? i : 0;
        ExtendedReal other;
        int conversionFlags = 0;
        switch (form) {
            case M32, M64 -> {
                X87Result m = form == Form.M32 ? X87Arithmetic.fromBinary32((int) memory.readLong(linear, 4), s.fcw)
                        : X87Arithmetic.fromBinary64(memory.readLong(linear, 8), s.fcw);
                other = m.value();
                conversionFlags = m.flags() & 0x3F;
            }
            case I16, I32 -> other = readInteger(memory, linear, form == Form.I16 ? 2 : 4);
            default -> other = null; // a register: ST(i) for ST0_STI, ST(0) otherwise
        }
        int otherRegister = form == Form.ST0_STI ? i : 0;
        if (s.empty(dest) || (other == null && s.empty(otherRegister))) {
            underflow(s);
            s.set(dest, ExtendedReal.INDEFINITE);
        } else {
            if (other == null) other = s.st(otherRegister);
            ExtendedReal x = s.st(dest);
            X87Result r = switch (op) {
                case ADD -> X87Arithmetic.add(x, other, s.fcw);
                case MUL -> X87Arithmetic.multiply(x, other, s.fcw);
                case SUB -> X87Arithmetic.subtract(x, other, s.fcw);
                case SUBR -> X87Arithmetic.subtract(other, x, s.fcw);
                case DIV -> X87Arithmetic.divide(x, other, s.fcw);
                case DIVR -> X87Arithmetic.divide(other, x, s.fcw);
            };
            if (conversionFlags != 0) r = new X87Result(r.value(), r.flags() | conversionFlags);
            deliver(s, dest, r);
        }
        if (form == Form.POP) s.pop();
    }

    /** Writes a core result to ST(dest) as the masks allow, or abandons the instruction. */
    private static void deliver(Stack s, int dest, X87Result r) throws Abandon {
        if (admit(s, r.flags(), true)) s.set(dest, r.value());
    }

    /**
     * Applies the flags a core operation raised. Returns true when the result is to be
     * delivered; throws Abandon when an unmasked pre-computation exception (IE, DE, ZE), or an
     * unmasked OE/UE to memory, leaves the destination unchanged. An unmasked OE/UE with a
     * register destination delivers the core's result, which is then the exponent-wrapped one
     * (SDM vol. 1, 8.5.4 and 8.5.5), and leaves ES/B set for the next waiting instruction's #MF.
     */
    private static boolean admit(Stack s, int flags, boolean registerDestination) throws Abandon {
        int raised = flags & 0x3F;
        int unmasked = raised & ~s.fcw & 0x3F;
        if ((unmasked & (IE | DE | ZE)) != 0) {
            s.fsw |= (raised & (IE | DE | ZE)) | ES | B;
            throw new Abandon();
        }
        if ((unmasked & (OE | UE)) != 0 && !registerDestination) {
            s.fsw |= (raised & (OE | UE | PE)) | ES | B;
            throw new Abandon();
        }
        s.fsw = (s.fsw & ~C1) | raised | ((raised & PE) != 0 ? flags & C1 : 0);
        if (unmasked != 0) s.fsw |= ES | B;
        return true;
    }

    // ---- loads, stores --------------------------------------------------------------------

    /** A push (vol. 1, 8.5.1.1): overflow when the new ST(0) is in use; null means the source register was empty. */
    private static void pushChecked(Stack s, ExtendedReal v) throws Abandon {
        if (!s.emptyPhysical((s.top - 1) & 7)) {
            s.fsw |= IE | SF | C1;
            if ((s.fcw & IE) == 0) {
                s.fsw |= ES | B;
                throw new Abandon();
            }
            v = ExtendedReal.INDEFINITE;
        } else if (v == null) {
            underflow(s);
            v = ExtendedReal.INDEFINITE;
        } else {
            s.fsw &= ~C1;
        }
        s.push(v);
    }

    /** Stack underflow (vol. 1, 8.5.1.1): IE, SF, C1 = 0; unmasked, the instruction is abandoned. */
    /** ST(0) for a store that copies it unchanged; an empty ST(0) is a stack underflow, whose masked response is the indefinite. */
    private static ExtendedReal st0OrIndefinite(Stack s) throws Abandon {
        if (s.empty(0)) {
            underflow(s);
            return ExtendedReal.INDEFINITE;
        }
        s.fsw &= ~C1;
        return s.st(0);
    }

    private static void underflow(Stack s) throws Abandon {
        s.fsw = (s.fsw | IE | SF) & ~C1;
        if ((s.fcw & IE) == 0) {
            s.fsw |= ES | B;
            throw new Abandon();
        }
    }

    private static void storeReal(InstructionKind k, LinearMemory memory, Stack s, long linear)
            throws GuestFault, EmulationRefused, Abandon {
        boolean single = k == InstructionKind.FST32 || k == InstructionKind.FSTP32;
        boolean pop = k == InstructionKind.FSTP32 || k == InstructionKind.FSTP64;
        long bits;
        if (s.empty(0)) {
            underflow(s);
            bits = single ? 0xFFC0_0000L : 0xFFF8_0000_0000_0000L;
        } else {
            X87Store r = single ? X87Arithmetic.toBinary32(s.st(0), s.fcw) : X87Arithmetic.toBinary64(s.st(0), s.fcw);
            admit(s, r.flags(), false);
            bits = r.bits();
        }
        write(memory, linear, bits, single ? 4 : 8);
        if (pop) s.pop();
    }

    private static void storeInteger(InstructionKind k, LinearMemory memory, Stack s, long linear)
            throws GuestFault, EmulationRefused, Abandon {
        String n = k.name();
        int bytes = Integer.parseInt(n.substring(n.length() - 2)) / 8;
        boolean truncate = n.startsWith("FISTTP");
        boolean pop = n.startsWith("FISTP") || truncate;
        long bits;
        if (s.empty(0)) {
            underflow(s);
            bits = 1L << (8 * bytes - 1); // the integer indefinite (vol. 1, 4.8.3.7)
        } else {
            X87Store r = X87Arithmetic.toInteger(s.st(0), bytes, s.fcw, truncate);
            admit(s, r.flags(), false);
            bits = r.bits();
        }
        write(memory, linear, bits, bytes);
        if (pop) s.pop();
    }

    private static final long BCD_MAX = 999_999_999_999_999_999L;

    /**
     * FBSTP m80bcd (SDM vol. 2, FBSTP): ST(0) rounded to an integer by RC, as 18 packed BCD
     * digits and a sign, then popped. A NaN, an infinity or a value beyond 18 digits raises IE;
     * masked, the packed BCD indefinite (FFFF C000 0000 0000 0000h) is stored.
     */
    private static void storeBcd(LinearMemory memory, Stack s, long linear) throws GuestFault, EmulationRefused, Abandon {
        MemorySegment buf = MemorySegment.ofArray(new byte[10]);
        boolean indefinite;
        long value = 0;
        boolean negative = false;
        if (s.empty(0)) {
            underflow(s);
            indefinite = true;
        } else {
            X87Store r = X87Arithmetic.toInteger(s.st(0), 8, s.fcw, false);
            int flags = r.flags();
            value = r.bits();
            negative = s.st(0).negative();
            if ((flags & IE) == 0 && (value > BCD_MAX || value < -BCD_MAX)) flags = IE;
            admit(s, flags, false);
            indefinite = (flags & IE) != 0;
        }
        if (indefinite) {
            buf.set(U16_LE, 8, (short) 0xFFFF);
            buf.set(ValueLayout.JAVA_BYTE, 7, (byte) 0xC0);
        } else {
            long magnitude = Math.abs(value);
            for (int b = 0; b < 9; b++) {
                int low = (int) (magnitude % 10);
                magnitude /= 10;
                int high = (int) (magnitude % 10);
                magnitude /= 10;
                buf.set(ValueLayout.JAVA_BYTE, b, (byte) (high << 4 | low));
            }
            if (negative) buf.set(ValueLayout.JAVA_BYTE, 9, (byte) 0x80);
        }
        memory.write(linear, buf, 0, 10);
        s.pop();
    }

    /** FSTP m80fp: the register as it is; only a stack underflow can be raised. */
    private static void storeExtended(LinearMemory memory, Stack s, long linear) throws GuestFault, EmulationRefused, Abandon {
        ExtendedReal v = st0OrIndefinite(s);
        MemorySegment buf = MemorySegment.ofArray(new byte[10]);
        buf.set(U64_LE, 0, v.significand());
        buf.set(U16_LE, 8, (short) v.signExponent());
        memory.write(linear, buf, 0, 10);
        s.pop();
    }

    private static void write(LinearMemory memory, long linear, long bits, int bytes) throws GuestFault, EmulationRefused {
        MemorySegment buf = MemorySegment.ofArray(new byte[8]);
        buf.set(U64_LE, 0, bits);
        memory.write(linear, buf, 0, bytes);
    }

    /** A m32fp/m64fp source operand in double extended precision, with what the conversion raised (IE for an SNaN, DE for a denormal). */
    private static X87Result readReal(LinearMemory memory, long linear, int bytes, int fcw) throws GuestFault, EmulationRefused {
        return bytes == 4 ? X87Arithmetic.fromBinary32((int) memory.readLong(linear, 4), fcw)
                : X87Arithmetic.fromBinary64(memory.readLong(linear, 8), fcw);
    }

    private static ExtendedReal readInteger(LinearMemory memory, long linear, int bytes) throws GuestFault, EmulationRefused {
        long raw = memory.readLong(linear, bytes);
        long value = (raw << (64 - 8 * bytes)) >> (64 - 8 * bytes);
        return ExtendedReal.fromInteger(value);
    }

    // ---- comparisons --------------------------------------------------------------------------

    /**
     * FCOM, FCOMP, FCOMPP, FUCOM, FUCOMP, FUCOMPP, FICOM, FICOMP and FTST (SDM vol. 2, their pages):
     * C3 C2 C0 = 000 greater, 001 less, 100 equal, 111 unordered; C1 = 0. With {@code source}
     * null the second operand is ST(i). An unmasked IE leaves the condition codes and the
     * stack unchanged.
     */
    private static void compare(Stack s, X87Result source, int i, boolean quiet, int pops) throws Abandon {
        int conversion = source != null ? source.flags() & 0x3F : 0;
        int codes;
        if (s.empty(0) || (source == null && s.empty(i))) {
            underflow(s);
            codes = C3 | C2 | C0;
        } else {
            X87Comparison c = X87Arithmetic.compare(s.st(0), source != null ? source.value() : s.st(i), quiet);
            int raised = (c.flags() | conversion) & 0x3F;
            if ((raised & ~s.fcw & 0x3F) != 0) {
                s.fsw |= raised | ES | B;
                throw new Abandon();
            }
            s.fsw |= raised;
            codes = switch (c.relation()) {
                case X87Comparison.GREATER -> 0;
                case X87Comparison.LESS -> C0;
                case X87Comparison.EQUAL -> C3;
                default -> C3 | C2 | C0;
            };
        }
        s.fsw = (s.fsw & ~CONDITION) | codes;
        for (int p = 0; p < pops; p++) s.pop();
    }

    private static final long EFLAGS_CMP = CpuState.RFLAGS_ZF | CpuState.RFLAGS_PF | CpuState.RFLAGS_CF
            | CpuState.RFLAGS_OF | CpuState.RFLAGS_SF | CpuState.RFLAGS_AF;

    /**
     * FCOMI, FCOMIP, FUCOMI, FUCOMIP ST(0), ST(i) (SDM vol. 2, FCOMI/FCOMIP/FUCOMI/FUCOMIP): ZF PF
     * CF = 000 greater, 001 less, 100 equal, 111 unordered; OF SF AF cleared; C1 = 0. FCOMI
     * raises IE for any NaN, FUCOMI only for an SNaN. An unmasked IE leaves EFLAGS and the stack
     * unchanged.
     */
    private static void compareToEflags(InstructionKind k, CpuState cpu, Stack s, int i) throws Abandon {
        boolean quiet = k == InstructionKind.FUCOMI || k == InstructionKind.FUCOMIP;
        boolean pop = k == InstructionKind.FCOMIP || k == InstructionKind.FUCOMIP;
        long result;
        if (s.empty(0) || s.empty(i)) {
            underflow(s);
            result = CpuState.RFLAGS_ZF | CpuState.RFLAGS_PF | CpuState.RFLAGS_CF;
        } else {
            X87Comparison c = X87Arithmetic.compare(s.st(0), s.st(i), quiet);
            int raised = c.flags() & 0x3F;
            if ((raised & ~s.fcw & 0x3F) != 0) {
                s.fsw |= raised | ES | B;
                throw new Abandon();
            }
            s.fsw |= raised;
            result = switch (c.relation()) {
                case X87Comparison.GREATER -> 0;
                case X87Comparison.LESS -> CpuState.RFLAGS_CF;
                case X87Comparison.EQUAL -> CpuState.RFLAGS_ZF;
                default -> CpuState.RFLAGS_ZF | CpuState.RFLAGS_PF | CpuState.RFLAGS_CF;
            };
        }
        s.fsw &= ~C1;
        cpu.setRflags((cpu.rflags() & ~EFLAGS_CMP) | result);
        if (pop) s.pop();
    }

    /** FXAM (SDM vol. 2, FXAM): C1 = sign; C3 C2 C0 name the class; no exception. */
    private static void examine(Stack s) {
        int codes;
        ExtendedReal v = s.st(0);
        if (s.empty(0)) codes = C3 | C0;
        else if (v.isUnsupported()) codes = 0;
        else if (v.isNaN()) codes = C0;
        else if (v.isInfinity()) codes = C2 | C0;
        else if (v.isZero()) codes = C3;
        else if (v.isDenormal() || v.isPseudoDenormal()) codes = C3 | C2;
        else codes = C2;
        if (v.negative()) codes |= C1;
        s.fsw = (s.fsw & ~CONDITION) | codes;
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** FCMOVcc conditions on EFLAGS (SDM vol. 2, FCMOVcc). */
    private static boolean condition(InstructionKind k, long rflags) {
        boolean cf = (rflags & CpuState.RFLAGS_CF) != 0, zf = (rflags & CpuState.RFLAGS_ZF) != 0, pf = (rflags & CpuState.RFLAGS_PF) != 0;
        return switch (k) {
            case FCMOVB -> cf;
            case FCMOVE -> zf;
            case FCMOVBE -> cf || zf;
            case FCMOVU -> pf;
            case FCMOVNB -> !cf;
            case FCMOVNE -> !zf;
            case FCMOVNBE -> !cf && !zf;
            case FCMOVNU -> !pf;
            default -> throw new IllegalStateException(k.name());
        };
    }

    /**
     * FLDPI, FLDL2T, FLDL2E, FLDLG2, FLDLN2: the processor holds each constant to more than 64
     * bits and rounds it to 64 per FCW.RC, not PC (SDM vol. 1, 8.3.8 and vol. 2, FLD1/.../FLDZ).
     * Each row: exponent, the significand rounded to nearest, and whether that rounding went up
     * (then round-down and chop give one less; otherwise round-up gives one more).
     */
    private static ExtendedReal constant(InstructionKind k, int fcw) {
        long[] c = switch (k) {
            case FLDPI -> new long[]{0x4000, 0xC90F_DAA2_2168_C235L, 1};
            case FLDL2T -> new long[]{0x4000, 0xD49A_784B_CD1B_8AFEL, 0};
            case FLDL2E -> new long[]{0x3FFF, 0xB8AA_3B29_5C17_F0BCL, 1};
            case FLDLG2 -> new long[]{0x3FFD, 0x9A20_9A84_FBCF_F799L, 1};
            case FLDLN2 -> new long[]{0x3FFE, 0xB172_17F7_D1CF_79ACL, 1};
            default -> throw new IllegalStateException(k.name());
        };
        int rc = (fcw >> 10) & 3; // 0 nearest, 1 down, 2 up, 3 chop
        long significand = c[1];
        boolean nearestWentUp = c[2] == 1;
        if (nearestWentUp && (rc == 1 || rc == 3)) significand--;
        if (!nearestWentUp && rc == 2) significand++;
        return new ExtendedReal((int) c[0], significand);
    }

    /** The x87 register stack of one instruction, read from and written back to the XSAVE image. */
    static final class Stack {
        final int fcw;
        int fsw; // TOP is kept in {@link #top}
        int top;
        private int tags; // abridged: bit j = physical R[j] in use
        private final ExtendedReal[] st = new ExtendedReal[8];
        private final int originalTags;
        private final ExtendedReal[] original;
        private final int originalTop;

        Stack(MemorySegment image) {
            fcw = image.get(U16_LE, X87Control.FCW) & 0xFFFF;
            int word = image.get(U16_LE, X87Control.FSW) & 0xFFFF;
            top = (word >> 11) & 7;
            fsw = word & ~(7 << 11);
            tags = image.get(ValueLayout.JAVA_BYTE, X87Control.FTW) & 0xFF;
            for (int i = 0; i < 8; i++) {
                long base = ST_BASE + (long) ST_STRIDE * i;
                st[i] = new ExtendedReal(image.get(U16_LE, base + 8) & 0xFFFF, image.get(U64_LE, base));
            }
            originalTags = tags;
            originalTop = top;
            original = st.clone();
        }

        boolean empty(int i) { return emptyPhysical((top + i) & 7); }

        boolean emptyPhysical(int r) { return (tags & (1 << r)) == 0; }

        ExtendedReal st(int i) { return st[i]; }

        void set(int i, ExtendedReal v) {
            st[i] = v;
            tags |= 1 << ((top + i) & 7);
        }

        void free(int i) { tags &= ~(1 << ((top + i) & 7)); }

        void push(ExtendedReal v) {
            top = (top - 1) & 7;
            System.arraycopy(st, 0, st, 1, 7);
            set(0, v);
        }

        /** R[TOP] becomes empty and keeps its contents, which are now ST(7). */
        void pop() {
            free(0);
            rotate(1);
        }

        /** TOP += by (mod 8) without touching tags or registers: the stack-order view turns. */
        void rotate(int by) {
            ExtendedReal[] turned = new ExtendedReal[8];
            for (int i = 0; i < 8; i++) turned[i] = st[(i + by) & 7];
            System.arraycopy(turned, 0, st, 0, 8);
            top = (top + by) & 7;
        }

        /** Keeps the status word as the exception left it and drops every other change. */
        void abandon() {
            System.arraycopy(original, 0, st, 0, 8);
            tags = originalTags;
            top = originalTop;
        }

        void write(MemorySegment image) {
            for (int i = 0; i < 8; i++) {
                long base = ST_BASE + (long) ST_STRIDE * i;
                image.set(U64_LE, base, st[i].significand());
                image.set(U16_LE, base + 8, (short) st[i].signExponent());
                image.asSlice(base + 10, 6).fill((byte) 0);
            }
            image.set(ValueLayout.JAVA_BYTE, X87Control.FTW, (byte) tags);
            image.set(U16_LE, X87Control.FSW, (short) (fsw | (top << 11)));
        }
    }
}
