package dev.panavisor.vmm.vcpu.fallback;

import java.lang.foreign.MemorySegment;

import static dev.panavisor.vmm.vcpu.fallback.XsaveLayout.XMM_START;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The SSE2 and SSSE3 integer instructions in their legacy (non-VEX) encodings, on the XMM
 * registers of the vCPU's XSAVE image (SDM vol. 2, each instruction's page; vol. 1, ch. 11).
 * This host's emulator moves XMM data (MOVDQA, MOVDQU) but computes nothing on it, and
 * Linux's SSSE3 BLAKE2s, built into Debian's kernel for its random pool, is made of these.
 *
 * <p>Legacy SSE leaves bits 255:128 of the YMM registers as they are, so only the 16-byte XMM
 * slots of the legacy region change. A 128-bit memory operand must be 16-byte aligned (#GP(0)
 * otherwise; vol. 1, 11.4.1); MOVD and MOVQ operands need not be.
 */
final class SseInteger implements Executor {
    private static final int XMM_BYTES = 16;

    @Override
    public void execute(DecodedInstruction insn, CpuState cpu, LinearMemory memory) throws GuestFault, EmulationRefused {
        InstructionKind kind = insn.kind();
        String name = kind.mnemonic();
        // Every #UD condition comes before #NM (CR0.TS), the missing feature included.
        if (kind == InstructionKind.PSHUFB ? !CpuFeatures.ssse3(cpu) : !CpuFeatures.sse2(cpu)) {
            throw GuestFault.undefinedOpcode(name + (kind == InstructionKind.PSHUFB ? " without CPUID.01H:ECX.SSSE3" : " without CPUID.01H:EDX.SSE2"));
        }
        SseControl.requireSse(insn, cpu, name);
        MemorySegment image = cpu.xsaveImage();
        // Registers not marked in use are in their initial state (zero): make that explicit before reading any.
        SseControl.markSseInUse(image);
        switch (kind) {
            case MOVD_TO_XMM -> {
                int size = insn.operandSize();
                long v = insn.hasMemoryOperand() ? memory.readLong(EffectiveAddress.linear(insn, cpu), size / 8) : cpu.gpr(insn.rmRegister());
                storeZeroExtended(image, insn.reg(), v, size / 8);
            }
            case MOVD_FROM_XMM -> {
                int size = insn.operandSize();
                long v = lane(load(image, insn.reg()), 0, size / 8);
                if (insn.hasMemoryOperand()) {
                    writeMemory(memory, EffectiveAddress.linear(insn, cpu), v, size / 8);
                } else {
                    cpu.setGpr(insn.rmRegister(), v); // a 32-bit register write zero-extends (vol. 1, 3.4.1.1)
                }
            }
            case MOVQ_LOAD -> {
                long v = insn.hasMemoryOperand() ? memory.readLong(EffectiveAddress.linear(insn, cpu), 8) : lane(load(image, insn.rmRegister()), 0, 8);
                storeZeroExtended(image, insn.reg(), v, 8);
            }
            case MOVQ_STORE -> {
                long v = lane(load(image, insn.reg()), 0, 8);
                if (insn.hasMemoryOperand()) {
                    writeMemory(memory, EffectiveAddress.linear(insn, cpu), v, 8);
                } else {
                    storeZeroExtended(image, insn.rmRegister(), v, 8);
                }
            }
            case PSRLW, PSRLD, PSRLQ, PSRAW, PSRAD, PSLLW, PSLLD, PSLLQ, PSRLDQ, PSLLDQ -> {
                int r = insn.rmRegister();
                store(image, r, shift(kind, load(image, r), insn.immediate()));
            }
            default -> {
                byte[] dst = load(image, insn.reg());
                byte[] src = insn.hasMemoryOperand() ? readAligned(memory, insn, cpu) : load(image, insn.rmRegister());
                store(image, insn.reg(), compute(kind, dst, src, insn.immediate()));
            }
        }
        cpu.xsaveImageChanged();
    }

    /** The two-operand instructions: dst OP src, or src shuffled. */
    static byte[] compute(InstructionKind kind, byte[] a, byte[] b, int imm) {
        byte[] r = new byte[XMM_BYTES];
        switch (kind) {
            case PADDB -> lanes(r, a, b, 1, false);
            case PADDW -> lanes(r, a, b, 2, false);
            case PADDD -> lanes(r, a, b, 4, false);
            case PADDQ -> lanes(r, a, b, 8, false);
            case PSUBB -> lanes(r, a, b, 1, true);
            case PSUBW -> lanes(r, a, b, 2, true);
            case PSUBD -> lanes(r, a, b, 4, true);
            case PSUBQ -> lanes(r, a, b, 8, true);
            case PAND -> { for (int i = 0; i < XMM_BYTES; i++) r[i] = (byte) (a[i] & b[i]); }
            case PANDN -> { for (int i = 0; i < XMM_BYTES; i++) r[i] = (byte) (~a[i] & b[i]); }
            case POR -> { for (int i = 0; i < XMM_BYTES; i++) r[i] = (byte) (a[i] | b[i]); }
            case PXOR -> { for (int i = 0; i < XMM_BYTES; i++) r[i] = (byte) (a[i] ^ b[i]); }
            case PCMPEQB -> compareEqual(r, a, b, 1);
            case PCMPEQW -> compareEqual(r, a, b, 2);
            case PCMPEQD -> compareEqual(r, a, b, 4);
            case PUNPCKLBW -> interleave(r, a, b, 1, 0);
            case PUNPCKLWD -> interleave(r, a, b, 2, 0);
            case PUNPCKLDQ -> interleave(r, a, b, 4, 0);
            case PUNPCKLQDQ -> interleave(r, a, b, 8, 0);
            case PUNPCKHBW -> interleave(r, a, b, 1, 8);
            case PUNPCKHWD -> interleave(r, a, b, 2, 8);
            case PUNPCKHDQ -> interleave(r, a, b, 4, 8);
            case PUNPCKHQDQ -> interleave(r, a, b, 8, 8);
            case PSHUFD -> { for (int i = 0; i < 4; i++) setLane(r, i, 4, lane(b, (imm >> (2 * i)) & 3, 4)); }
            case PSHUFLW -> {
                for (int i = 0; i < 4; i++) setLane(r, i, 2, lane(b, (imm >> (2 * i)) & 3, 2));
                setLane(r, 1, 8, lane(b, 1, 8));
            }
            case PSHUFHW -> {
                setLane(r, 0, 8, lane(b, 0, 8));
                for (int i = 0; i < 4; i++) setLane(r, 4 + i, 2, lane(b, 4 + ((imm >> (2 * i)) & 3), 2));
            }
            case PSHUFB -> { for (int i = 0; i < XMM_BYTES; i++) r[i] = (b[i] & 0x80) != 0 ? 0 : a[b[i] & 15]; }
            default -> throw new IllegalStateException(kind.name());
        }
        return r;
    }

    /**
     * Shift by an immediate count: a logical shift past the lane's width leaves 0, an
     * arithmetic one fills with the sign; PSRLDQ/PSLLDQ shift the whole register by bytes.
     */
    static byte[] shift(InstructionKind kind, byte[] v, int count) {
        byte[] r = new byte[XMM_BYTES];
        switch (kind) {
            case PSRLDQ -> { for (int i = 0; i + count < XMM_BYTES && count < XMM_BYTES; i++) r[i] = v[i + count]; }
            case PSLLDQ -> { for (int i = count; i < XMM_BYTES; i++) r[i] = v[i - count]; }
            default -> {
                int width = switch (kind) { case PSRLW, PSRAW, PSLLW -> 2; case PSRLD, PSRAD, PSLLD -> 4; default -> 8; };
                int bits = width * 8;
                for (int i = 0; i < XMM_BYTES / width; i++) {
                    long x = lane(v, i, width);
                    long out = switch (kind) {
                        case PSRLW, PSRLD, PSRLQ -> count >= bits ? 0 : x >>> count;
                        case PSLLW, PSLLD, PSLLQ -> count >= bits ? 0 : x << count;
                        default -> signExtend(x, bits) >> Math.min(count, bits - 1);
                    };
                    setLane(r, i, width, out);
                }
            }
        }
        return r;
    }

    private static void lanes(byte[] r, byte[] a, byte[] b, int width, boolean subtract) {
        for (int i = 0; i < XMM_BYTES / width; i++) {
            long x = lane(a, i, width), y = lane(b, i, width);
            setLane(r, i, width, subtract ? x - y : x + y);
        }
    }

    private static void compareEqual(byte[] r, byte[] a, byte[] b, int width) {
        for (int i = 0; i < XMM_BYTES / width; i++) setLane(r, i, width, lane(a, i, width) == lane(b, i, width) ? -1L : 0);
    }

    /** PUNPCKL*: lanes of the low halves alternately from dst and src; PUNPCKH*: of the high halves. */
    private static void interleave(byte[] r, byte[] a, byte[] b, int width, int fromByte) {
        int n = 8 / width;
        for (int i = 0; i < n; i++) {
            setLane(r, 2 * i, width, lane(a, fromByte / width + i, width));
            setLane(r, 2 * i + 1, width, lane(b, fromByte / width + i, width));
        }
    }

    /** Lane {@code i} of {@code width} bytes, little-endian, zero-extended. */
    static long lane(byte[] v, int i, int width) {
        long x = 0;
        for (int k = width - 1; k >= 0; k--) x = (x << 8) | (v[i * width + k] & 0xFF);
        return x;
    }

    static void setLane(byte[] v, int i, int width, long x) {
        for (int k = 0; k < width; k++) v[i * width + k] = (byte) (x >>> (8 * k));
    }

    private static long signExtend(long x, int bits) {
        return bits == 64 ? x : (x << (64 - bits)) >> (64 - bits);
    }

    private static byte[] readAligned(LinearMemory memory, DecodedInstruction insn, CpuState cpu) throws GuestFault, EmulationRefused {
        long linear = EffectiveAddress.linear(insn, cpu);
        if ((linear & 15) != 0) {
            throw GuestFault.generalProtection(0, String.format("%s: 128-bit operand at 0x%x not 16-byte aligned", insn.kind().mnemonic(), linear));
        }
        byte[] v = new byte[XMM_BYTES];
        memory.read(linear, MemorySegment.ofArray(v), 0, XMM_BYTES);
        return v;
    }

    private static void writeMemory(LinearMemory memory, long linear, long value, int bytes) throws GuestFault, EmulationRefused {
        byte[] v = new byte[8];
        setLane(v, 0, 8, value);
        memory.write(linear, MemorySegment.ofArray(v), 0, bytes);
    }

    static byte[] load(MemorySegment image, int xmm) {
        byte[] v = new byte[XMM_BYTES];
        MemorySegment.copy(image, JAVA_BYTE, XMM_START + (long) xmm * XMM_BYTES, v, 0, XMM_BYTES);
        return v;
    }

    /** The MOVD/MOVQ loads: {@code bytes} of {@code value} into the low lane, the rest of the register zero. */
    private static void storeZeroExtended(MemorySegment image, int xmm, long value, int bytes) {
        byte[] x = new byte[XMM_BYTES];
        setLane(x, 0, bytes, value);
        store(image, xmm, x);
    }

    private static void store(MemorySegment image, int xmm, byte[] v) {
        MemorySegment.copy(v, 0, image, JAVA_BYTE, XMM_START + (long) xmm * XMM_BYTES, XMM_BYTES);
    }
}
