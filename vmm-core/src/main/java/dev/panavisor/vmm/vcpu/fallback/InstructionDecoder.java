package dev.panavisor.vmm.vcpu.fallback;

/**
 * Decodes the instructions of {@link InstructionKind} from raw bytes: legacy prefixes,
 * REX, ModRM, SIB, displacement, RIP-relative and 16-bit addressing (SDM vol. 2, ch. 2).
 * Pure and stateless. Anything else is a {@link DecodeException}, never another throwable.
 */
public final class InstructionDecoder {
    /** SDM vol. 2, 2.3.11: an instruction longer than this raises #GP. */
    public static final int MAX_LENGTH = 15;

    private InstructionDecoder() {}

    /** Decodes {@code bytes[0..available)} as code of the given size (16, 32 or 64). */
    public static DecodedInstruction decode(byte[] bytes, int available, int codeSize) throws DecodeException {
        if (codeSize != 16 && codeSize != 32 && codeSize != 64) throw new IllegalArgumentException("code size " + codeSize);
        return new Cursor(bytes, Math.min(Math.min(available, bytes.length), MAX_LENGTH), codeSize).instruction();
    }

    private static final class Cursor {
        private final byte[] bytes;
        private final int limit;
        private final int codeSize;
        private int pos;
        private boolean lock, opsize, addrsize;
        private int rep;
        private Segment override;
        private int rex;
        private int x87Opcode;

        Cursor(byte[] bytes, int limit, int codeSize) {
            this.bytes = bytes;
            this.limit = limit;
            this.codeSize = codeSize;
        }

        private int next() throws DecodeException {
            if (pos >= limit) {
                if (limit == MAX_LENGTH) throw new DecodeException("instruction longer than 15 bytes");
                throw new DecodeException("instruction truncated after " + pos + " bytes");
            }
            return bytes[pos++] & 0xFF;
        }

        DecodedInstruction instruction() throws DecodeException {
            int op = prefixes();
            return switch (op) {
                case 0xCC -> plain(InstructionKind.INT3);
                case 0x9B -> plain(InstructionKind.FWAIT);
                case 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF -> x87(op);
                case 0x0F -> twoByte();
                default -> throw unknown(hex(op) + vectorPayload(op), vectorPrefixName(op));
            };
        }

        /**
         * The x87 escapes D8-DF (SDM vol. 2, appendix A.4, tables ): with mod != 11b
         * the reg field selects a memory form; with mod = 11b the reg field selects an ST(i)
         * group, or, for D9/DA/DB/DE/DF, the whole ModRM byte names one instruction.
         */
        private DecodedInstruction x87(int op) throws DecodeException {
            int modrm = next();
            x87Opcode = ((op & 7) << 8) | modrm;
            int reg = (modrm >> 3) & 7;
            InstructionKind kind;
            if ((modrm >> 6) != 3) {
                kind = X87_MEMORY[op - 0xD8][reg];
            } else {
                kind = X87_REGISTER[op - 0xD8][reg];
                if (kind == null) kind = x87Fixed(op, modrm);
            }
            if (kind == null) throw unknown(hex(op) + " " + hex(modrm), x87Name(op, modrm));
            if (kind == InstructionKind.FNINIT || kind == InstructionKind.FNCLEX) return plain(kind);
            return withModrm(kind, modrm);
        }

        /** Consumes prefixes; returns the first opcode byte. A REX only counts right before the opcode. */
        private int prefixes() throws DecodeException {
            while (true) {
                int b = next();
                switch (b) {
                    case 0xF0 -> lock = true;
                    case 0xF2, 0xF3 -> rep = b;
                    case 0x66 -> opsize = true;
                    case 0x67 -> addrsize = true;
                    case 0x26 -> override = Segment.ES;
                    case 0x2E -> override = Segment.CS;
                    case 0x36 -> override = Segment.SS;
                    case 0x3E -> override = Segment.DS;
                    case 0x64 -> override = Segment.FS;
                    case 0x65 -> override = Segment.GS;
                    default -> {
                        if (codeSize == 64 && (b & 0xF0) == 0x40) {
                            rex = b;
                            int after = peek();
                            if (after >= 0 && !isLegacyPrefix(after) && (after & 0xF0) != 0x40) return next();
                            rex = 0; // SDM vol. 2, 2.2.1: a REX followed by a legacy prefix is ignored
                            continue;
                        }
                        return b;
                    }
                }
                rex = 0;
            }
        }

        /**
         * In 64-bit mode C4/C5 start a VEX prefix and 62 an EVEX prefix (SDM vol. 2, 2.3 and 2.7;
         * LES/LDS/BOUND elsewhere): name the instruction set, and show the payload bytes.
         */
        private String vectorPrefixName(int op) {
            if (codeSize != 64) return oneByteName(op);
            return switch (op) {
                case 0xC4, 0xC5 -> "VEX-encoded (AVX) instruction";
                case 0x62 -> "EVEX-encoded (AVX-512) instruction";
                default -> oneByteName(op);
            };
        }

        private String vectorPayload(int op) {
            if (codeSize != 64 || (op != 0xC4 && op != 0xC5 && op != 0x62)) return "";
            StringBuilder b = new StringBuilder();
            int n = op == 0xC5 ? 2 : op == 0xC4 ? 3 : 4; // payload and opcode byte
            for (int i = 0; i < n && pos + i < limit; i++) b.append(' ').append(hex(bytes[pos + i] & 0xFF));
            return b.toString();
        }

        private int peek() {
            return pos < limit ? bytes[pos] & 0xFF : -1;
        }

        private static boolean isLegacyPrefix(int b) {
            return switch (b) {
                case 0xF0, 0xF2, 0xF3, 0x66, 0x67, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 -> true;
                default -> false;
            };
        }

        private DecodedInstruction twoByte() throws DecodeException {
            int op = next();
            switch (op) {
                case 0x01 -> {
                    int modrm = next();
                    if (modrm == 0xCA) return plain(InstructionKind.CLAC);
                    if (modrm == 0xCB) return plain(InstructionKind.STAC);
                    throw unknown("0F 01 " + hex(modrm), group7Name(modrm));
                }
                case 0xB8 -> {
                    if (rep != 0xF3) throw unknown("0F B8", "JMPE");
                    return withModrm(InstructionKind.POPCNT, next());
                }
                case 0xAE -> {
                    int modrm = next();
                    int regField = (modrm >> 3) & 7;
                    if ((modrm >> 6) == 3 || rep != 0 || opsize) throw unknown("0F AE " + hex(modrm), group15Name(modrm));
                    return switch (regField) {
                        case 2 -> withModrm(InstructionKind.LDMXCSR, modrm);
                        case 3 -> withModrm(InstructionKind.STMXCSR, modrm);
                        case 4 -> withModrm(InstructionKind.XSAVE, modrm);
                        case 5 -> withModrm(InstructionKind.XRSTOR, modrm);
                        case 6 -> withModrm(InstructionKind.XSAVEOPT, modrm);
                        default -> throw unknown("0F AE " + hex(modrm), group15Name(modrm));
                    };
                }
                case 0xC7 -> {
                    int modrm = next();
                    int regField = (modrm >> 3) & 7;
                    // Register forms of /1 /3 /4 /5 are invalid encodings: decoded so that the executor raises #UD.
                    if ((modrm >> 6) == 3 && regField != 1 && regField != 3 && regField != 4 && regField != 5) {
                        throw unknown("0F C7 " + hex(modrm), group9Name(modrm));
                    }
                    return switch (regField) {
                        case 1 -> withModrm((rex & 8) != 0 ? InstructionKind.CMPXCHG16B : InstructionKind.CMPXCHG8B, modrm);
                        case 3 -> withModrm(InstructionKind.XRSTORS, modrm);
                        case 4 -> withModrm(InstructionKind.XSAVEC, modrm);
                        case 5 -> withModrm(InstructionKind.XSAVES, modrm);
                        default -> throw unknown("0F C7 " + hex(modrm), group9Name(modrm));
                    };
                }
                case 0x38 -> {
                    int op3 = next();
                    if (op3 == 0x00 && opsize && rep == 0) return withModrm(InstructionKind.PSHUFB, next(), 128, false, false);
                    throw unknown("0F 38 " + hex(op3), null);
                }
                default -> {
                    if (isSseIntegerOpcode(op)) return sseInteger(op);
                    throw unknown("0F " + hex(op), twoByteName(op));
                }
            }
        }

        private DecodedInstruction plain(InstructionKind kind) {
            return new DecodedInstruction(kind, pos, codeSize, operandSize(), lock, rep, opsize, -1, -1, null, x87Opcode, 0);
        }

        private DecodedInstruction withModrm(InstructionKind kind, int modrm) throws DecodeException {
            return withModrm(kind, modrm, operandSize(), false, false);
        }

        /**
         * @param opcodeExtension the reg field extends the opcode (the instruction's record then has reg -1)
         * @param imm8 an immediate byte follows ModRM, SIB and displacement (it counts in the length, and so
         *             in RIP-relative addresses)
         */
        private DecodedInstruction withModrm(InstructionKind kind, int modrm, int operandSize, boolean opcodeExtension, boolean imm8)
                throws DecodeException {
            int mod = modrm >> 6;
            int reg = opcodeExtension ? -1 : ((modrm >> 3) & 7) | ((rex & 4) << 1);
            int rm = modrm & 7;
            int rmReg = -1;
            MemoryOperand m = null;
            if (mod == 3) rmReg = rm | ((rex & 1) << 3);
            else m = addressSize() == 16 ? memory16(mod, rm) : memory32or64(mod, rm);
            int immediate = imm8 ? next() : 0;
            return new DecodedInstruction(kind, pos, codeSize, operandSize, lock, rep, opsize, reg, rmReg, m, x87Opcode, immediate);
        }

        /**
         * The SSE2/SSSE3 integer instructions (SDM vol. 2, appendix A.3, table A-3: the 66h, F2h and
         * F3h columns are mandatory prefixes here, not operand-size or repeat prefixes). Their
         * MMX forms (no prefix) are not carried out. Operand size is 64 only for MOVQ with REX.W.
         */
        private DecodedInstruction sseInteger(int op) throws DecodeException {
            int modrm = peek();
            if (modrm < 0) next(); // truncated: reports it
            InstructionKind kind = null;
            boolean imm = false, extension = false;
            if (rep == 0xF3) {
                kind = switch (op) { case 0x7E -> InstructionKind.MOVQ_LOAD; case 0x70 -> InstructionKind.PSHUFHW; default -> null; };
                imm = op == 0x70;
            } else if (rep == 0xF2) {
                kind = op == 0x70 ? InstructionKind.PSHUFLW : null;
                imm = true;
            } else if (opsize) {
                kind = SSE_66[op];
                imm = op >= 0x70 && op <= 0x73;
                if (op >= 0x71 && op <= 0x73) {
                    extension = true;
                    kind = (modrm >> 6) == 3 ? SHIFT_GROUPS[op - 0x71][(modrm >> 3) & 7] : null;
                }
            }
            if (kind == null) {
                String prefix = rep == 0xF3 ? "F3 " : rep == 0xF2 ? "F2 " : opsize ? "66 " : "";
                throw unknown(prefix + "0F " + hex(op) + " " + hex(modrm), prefix.isEmpty() ? "MMX instruction" : null);
            }
            next();
            int size = kind == InstructionKind.MOVD_TO_XMM || kind == InstructionKind.MOVD_FROM_XMM ? ((rex & 8) != 0 ? 64 : 32) : 128;
            return withModrm(kind, modrm, size, extension, imm);
        }

        /** SDM vol. 2, table 2-1: 16-bit ModRM addressing. */
        private MemoryOperand memory16(int mod, int rm) throws DecodeException {
            int base, index;
            switch (rm) {
                case 0 -> { base = Registers.RBX; index = Registers.RSI; }
                case 1 -> { base = Registers.RBX; index = Registers.RDI; }
                case 2 -> { base = Registers.RBP; index = Registers.RSI; }
                case 3 -> { base = Registers.RBP; index = Registers.RDI; }
                case 4 -> { base = Registers.RSI; index = MemoryOperand.NONE; }
                case 5 -> { base = Registers.RDI; index = MemoryOperand.NONE; }
                case 6 -> { base = mod == 0 ? MemoryOperand.NONE : Registers.RBP; index = MemoryOperand.NONE; }
                default -> { base = Registers.RBX; index = MemoryOperand.NONE; }
            }
            long disp = switch (mod) {
                case 0 -> rm == 6 ? (short) imm16() : 0;
                case 1 -> (byte) next();
                default -> (short) imm16();
            };
            Segment seg = override != null ? override : base == Registers.RBP ? Segment.SS : Segment.DS;
            return new MemoryOperand(seg, base, index, 1, disp, false, 16);
        }

        /** SDM vol. 2, tables 2-2 and 2-3, and 2.2.1.6 (RIP-relative addressing). */
        private MemoryOperand memory32or64(int mod, int rm) throws DecodeException {
            int size = addressSize();
            int base, index = MemoryOperand.NONE, scale = 1;
            boolean ripRelative = false;
            if (rm == 4) {
                int sib = next();
                scale = 1 << (sib >> 6);
                int idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
                if (idx != Registers.RSP) index = idx;
                int b = sib & 7;
                base = (b == 5 && mod == 0) ? MemoryOperand.NONE : b | ((rex & 1) << 3);
                if (b == 5 && mod == 0) mod = 2; // disp32, no base
            } else if (rm == 5 && mod == 0) {
                base = MemoryOperand.NONE;
                ripRelative = codeSize == 64;
                mod = 2;
            } else {
                base = rm | ((rex & 1) << 3);
            }
            long disp = switch (mod) {
                case 0 -> 0;
                case 1 -> (byte) next();
                default -> imm32();
            };
            Segment seg = override;
            if (seg == null) seg = (base == Registers.RSP || base == Registers.RBP) ? Segment.SS : Segment.DS;
            return new MemoryOperand(seg, base, index, scale, disp, ripRelative, size);
        }

        private int imm16() throws DecodeException {
            return next() | (next() << 8);
        }

        private int imm32() throws DecodeException {
            return next() | (next() << 8) | (next() << 16) | (next() << 24);
        }

        private int operandSize() {
            if (codeSize == 64) return (rex & 8) != 0 ? 64 : opsize ? 16 : 32;
            return (codeSize == 16) != opsize ? 16 : 32;
        }

        private int addressSize() {
            if (codeSize == 64) return addrsize ? 32 : 64;
            return (codeSize == 16) != addrsize ? 16 : 32;
        }

        private DecodeException unknown(String opcode, String name) {
            String what = name != null ? name + " (" + opcode + ")" : "opcode " + opcode;
            return new DecodeException(what + " is not an instruction the fallback carries out", name);
        }
    }

    private static boolean isSseIntegerOpcode(int op) {
        return (op >= 0x60 && op <= 0x76) || op == 0x7E || op == 0xD4 || op == 0xD6 || op == 0xDB || op == 0xDF
                || op == 0xEB || op == 0xEF || (op >= 0xF8 && op <= 0xFE && op != 0xF7);
    }

    /** Two-byte opcodes with a mandatory 66h prefix (SDM vol. 2, table A-3). */
    private static final InstructionKind[] SSE_66 = new InstructionKind[256];
    /** 66 0F 71/72/73 by ModRM reg field (SDM vol. 2, table A-6, groups 12-14); register forms only. */
    private static final InstructionKind[][] SHIFT_GROUPS = new InstructionKind[3][8];

    static {
        InstructionKind[] t = SSE_66;
        t[0x60] = InstructionKind.PUNPCKLBW; t[0x61] = InstructionKind.PUNPCKLWD; t[0x62] = InstructionKind.PUNPCKLDQ;
        t[0x68] = InstructionKind.PUNPCKHBW; t[0x69] = InstructionKind.PUNPCKHWD; t[0x6A] = InstructionKind.PUNPCKHDQ;
        t[0x6C] = InstructionKind.PUNPCKLQDQ; t[0x6D] = InstructionKind.PUNPCKHQDQ;
        t[0x6E] = InstructionKind.MOVD_TO_XMM; t[0x7E] = InstructionKind.MOVD_FROM_XMM; t[0xD6] = InstructionKind.MOVQ_STORE;
        t[0x70] = InstructionKind.PSHUFD;
        t[0x74] = InstructionKind.PCMPEQB; t[0x75] = InstructionKind.PCMPEQW; t[0x76] = InstructionKind.PCMPEQD;
        t[0xD4] = InstructionKind.PADDQ; t[0xFC] = InstructionKind.PADDB; t[0xFD] = InstructionKind.PADDW; t[0xFE] = InstructionKind.PADDD;
        t[0xF8] = InstructionKind.PSUBB; t[0xF9] = InstructionKind.PSUBW; t[0xFA] = InstructionKind.PSUBD; t[0xFB] = InstructionKind.PSUBQ;
        t[0xDB] = InstructionKind.PAND; t[0xDF] = InstructionKind.PANDN; t[0xEB] = InstructionKind.POR; t[0xEF] = InstructionKind.PXOR;
        SHIFT_GROUPS[0][2] = InstructionKind.PSRLW; SHIFT_GROUPS[0][4] = InstructionKind.PSRAW; SHIFT_GROUPS[0][6] = InstructionKind.PSLLW;
        SHIFT_GROUPS[1][2] = InstructionKind.PSRLD; SHIFT_GROUPS[1][4] = InstructionKind.PSRAD; SHIFT_GROUPS[1][6] = InstructionKind.PSLLD;
        SHIFT_GROUPS[2][2] = InstructionKind.PSRLQ; SHIFT_GROUPS[2][3] = InstructionKind.PSRLDQ;
        SHIFT_GROUPS[2][6] = InstructionKind.PSLLQ; SHIFT_GROUPS[2][7] = InstructionKind.PSLLDQ;
    }

    private static String hex(int b) {
        return String.format("%02X", b);
    }

    // Names for instructions the fallback does not carry out, so that stop reports can say what the guest ran.

    private static String oneByteName(int op) {
        return switch (op) {
            case 0xCD -> "INT imm8";
            case 0xCE -> "INTO";
            case 0xF1 -> "INT1";
            case 0xF4 -> "HLT";
            case 0xCF -> "IRET";
            case 0xE4, 0xE5, 0xEC, 0xED -> "IN";
            case 0xE6, 0xE7, 0xEE, 0xEF -> "OUT";
            case 0x6C, 0x6D -> "INS";
            case 0x6E, 0x6F -> "OUTS";
            case 0xFA -> "CLI";
            case 0xFB -> "STI";
            default -> null;
        };
    }

    private static InstructionKind k(String name) { return name == null ? null : InstructionKind.valueOf(name); }

    private static InstructionKind[] row(String... names) {
        InstructionKind[] r = new InstructionKind[8];
        for (int i = 0; i < 8; i++) r[i] = k(names[i]);
        return r;
    }

    /** Memory forms by escape (D8..DF) and ModRM reg field (SDM vol. 2, tables, ..., A-21). */
    private static final InstructionKind[][] X87_MEMORY = {
            row("FADD32", "FMUL32", "FCOM32", "FCOMP32", "FSUB32", "FSUBR32", "FDIV32", "FDIVR32"),
            row("FLD32", null, "FST32", "FSTP32", "FLDENV", "FLDCW", "FNSTENV", "FNSTCW"),
            row("FIADD32", "FIMUL32", "FICOM32", "FICOMP32", "FISUB32", "FISUBR32", "FIDIV32", "FIDIVR32"),
            row("FILD32", "FISTTP32", "FIST32", "FISTP32", null, "FLD80", null, "FSTP80"),
            row("FADD64", "FMUL64", "FCOM64", "FCOMP64", "FSUB64", "FSUBR64", "FDIV64", "FDIVR64"),
            row("FLD64", "FISTTP64", "FST64", "FSTP64", "FRSTOR", null, "FNSAVE", "FNSTSW"),
            row("FIADD16", "FIMUL16", "FICOM16", "FICOMP16", "FISUB16", "FISUBR16", "FIDIV16", "FIDIVR16"),
            row("FILD16", "FISTTP16", "FIST16", "FISTP16", "FBLD", "FILD64", "FBSTP", "FISTP64"),
    };

    /**
     * Register forms (mod = 11b) whose reg field names an instruction on ST(i) (SDM vol. 2,
     * tables, ..., A-22). Note DC and DE swap FSUB/FSUBR and FDIV/FDIVR relative to D8:
     * DC E8+i is FSUB ST(i),ST(0) and DC E0+i FSUBR ST(i),ST(0).
     */
    private static final InstructionKind[][] X87_REGISTER = {
            row("FADD_ST0_STI", "FMUL_ST0_STI", "FCOM_STI", "FCOMP_STI", "FSUB_ST0_STI", "FSUBR_ST0_STI", "FDIV_ST0_STI", "FDIVR_ST0_STI"),
            row("FLD_STI", "FXCH", null, null, null, null, null, null),
            row("FCMOVB", "FCMOVE", "FCMOVBE", "FCMOVU", null, null, null, null),
            row("FCMOVNB", "FCMOVNE", "FCMOVNBE", "FCMOVNU", null, "FUCOMI", "FCOMI", null),
            row("FADD_STI_ST0", "FMUL_STI_ST0", null, null, "FSUBR_STI_ST0", "FSUB_STI_ST0", "FDIVR_STI_ST0", "FDIV_STI_ST0"),
            row("FFREE", null, "FST_STI", "FSTP_STI", "FUCOM", "FUCOMP", null, null),
            row("FADDP", "FMULP", null, null, "FSUBRP", "FSUBP", "FDIVRP", "FDIVP"),
            row(null, null, null, null, null, "FUCOMIP", "FCOMIP", null),
    };

    /** Register forms whose whole ModRM byte names the instruction. */
    private static InstructionKind x87Fixed(int op, int modrm) {
        return switch (op << 8 | modrm) {
            case 0xD9D0 -> InstructionKind.FNOP;
            case 0xD9E0 -> InstructionKind.FCHS;
            case 0xD9E1 -> InstructionKind.FABS;
            case 0xD9E4 -> InstructionKind.FTST;
            case 0xD9E5 -> InstructionKind.FXAM;
            case 0xD9E8 -> InstructionKind.FLD1;
            case 0xD9E9 -> InstructionKind.FLDL2T;
            case 0xD9EA -> InstructionKind.FLDL2E;
            case 0xD9EB -> InstructionKind.FLDPI;
            case 0xD9EC -> InstructionKind.FLDLG2;
            case 0xD9ED -> InstructionKind.FLDLN2;
            case 0xD9EE -> InstructionKind.FLDZ;
            case 0xD9F4 -> InstructionKind.FXTRACT;
            case 0xD9F5 -> InstructionKind.FPREM1;
            case 0xD9F6 -> InstructionKind.FDECSTP;
            case 0xD9F7 -> InstructionKind.FINCSTP;
            case 0xD9F8 -> InstructionKind.FPREM;
            case 0xD9FA -> InstructionKind.FSQRT;
            case 0xD9FC -> InstructionKind.FRNDINT;
            case 0xD9FD -> InstructionKind.FSCALE;
            case 0xDAE9 -> InstructionKind.FUCOMPP;
            case 0xDBE2 -> InstructionKind.FNCLEX;
            case 0xDBE3 -> InstructionKind.FNINIT;
            case 0xDED9 -> InstructionKind.FCOMPP;
            case 0xDFE0 -> InstructionKind.FNSTSW; // FNSTSW AX: a register form with AX as the operand
            default -> null;
        };
    }

    /** Names of the x87 instructions the fallback does not carry out, for the stop report. */
    private static String x87Name(int op, int modrm) {
        int reg = (modrm >> 3) & 7;
        if ((modrm >> 6) != 3) {
            String name = switch (op << 4 | reg) {
                default -> null;
            };
            return name != null ? name : "x87 escape " + hex(op) + " /" + reg + " (reserved memory form)";
        }
        String name = switch (op << 8 | modrm) {
            case 0xD9F0 -> "F2XM1";
            case 0xD9F1 -> "FYL2X";
            case 0xD9F2 -> "FPTAN";
            case 0xD9F3 -> "FPATAN";
            case 0xD9F9 -> "FYL2XP1";
            case 0xD9FB -> "FSINCOS";
            case 0xD9FE -> "FSIN";
            case 0xD9FF -> "FCOS";
            case 0xDBE0 -> "FENI";
            case 0xDBE1 -> "FDISI";
            case 0xDBE4 -> "FSETPM";
            default -> null;
        };
        return name != null ? name : "x87 escape " + hex(op) + " " + hex(modrm) + " (reserved or undocumented register form)";
    }

    private static String twoByteName(int op) {
        return switch (op) {
            case 0x05 -> "SYSCALL";
            case 0x07 -> "SYSRET";
            case 0x0B -> "UD2";
            case 0x30 -> "WRMSR";
            case 0x31 -> "RDTSC";
            case 0x32 -> "RDMSR";
            case 0x34 -> "SYSENTER";
            case 0x35 -> "SYSEXIT";
            case 0xA2 -> "CPUID";
            case 0xB0, 0xB1 -> "CMPXCHG";
            case 0xC0, 0xC1 -> "XADD";
            case 0xBC -> "BSF/TZCNT";
            case 0xBD -> "BSR/LZCNT";
            default -> null;
        };
    }

    private static String group7Name(int modrm) {
        return switch (modrm) {
            case 0xC8 -> "MONITOR";
            case 0xC9 -> "MWAIT";
            case 0xD0 -> "XGETBV";
            case 0xD1 -> "XSETBV";
            case 0xF8 -> "SWAPGS";
            case 0xF9 -> "RDTSCP";
            case 0xC1 -> "VMCALL";
            case 0xD9 -> "VMMCALL";
            default -> switch ((modrm >> 3) & 7) {
                case 0 -> "SGDT";
                case 1 -> "SIDT";
                case 2 -> "LGDT";
                case 3 -> "LIDT";
                case 4 -> "SMSW";
                case 6 -> "LMSW";
                case 7 -> "INVLPG";
                default -> null;
            };
        };
    }

    private static String group15Name(int modrm) {
        if ((modrm >> 6) == 3) {
            return switch ((modrm >> 3) & 7) {
                case 5 -> "LFENCE";
                case 6 -> "MFENCE";
                case 7 -> "SFENCE";
                default -> "RD/WRFSBASE/GSBASE";
            };
        }
        return switch ((modrm >> 3) & 7) {
            case 0 -> "FXSAVE";
            case 1 -> "FXRSTOR";
            case 2 -> "LDMXCSR";
            case 3 -> "STMXCSR";
            case 7 -> "CLFLUSH";
            default -> null;
        };
    }

    private static String group9Name(int modrm) {
        if ((modrm >> 6) == 3) {
            return switch ((modrm >> 3) & 7) {
                case 6 -> "RDRAND";
                case 7 -> "RDSEED/RDPID";
                default -> null;
            };
        }
        return null;
    }
}
