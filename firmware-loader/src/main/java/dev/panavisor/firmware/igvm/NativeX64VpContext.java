package dev.panavisor.firmware.igvm;

import java.lang.foreign.MemorySegment;

/**
 * Initial x64 register state for a non-isolated guest (or SEV, which cannot measure it). Registers
 * not listed start at their architectural reset values. The code and data segment descriptors are
 * flattened: one for CS, one applied to every data segment. Stored as the first {@link #SIZE} bytes
 * of a zero-padded 4K page.
 */
public record NativeX64VpContext(long rax, long rcx, long rdx, long rbx, long rsp, long rbp, long rsi, long rdi,
                                 long r8, long r9, long r10, long r11, long r12, long r13, long r14, long r15,
                                 long rip, long rflags,
                                 long idtrBase, int idtrLimit, int gdtrLimit, long gdtrBase,
                                 int codeSelector, int codeAttributes, long codeBase, long codeLimit,
                                 int dataSelector, int dataAttributes, long dataBase, long dataLimit,
                                 long gsBase, long cr0, long cr3, long cr4, long efer) implements VpContextData {
    public static final int SIZE = 232;
    private static final int GPR_COUNT = 18;

    public NativeX64VpContext {
        FieldRanges.u16("idtrLimit", idtrLimit);
        FieldRanges.u16("gdtrLimit", gdtrLimit);
        FieldRanges.u16("codeSelector", codeSelector);
        FieldRanges.u16("codeAttributes", codeAttributes);
        FieldRanges.u32("codeBase", codeBase);
        FieldRanges.u32("codeLimit", codeLimit);
        FieldRanges.u16("dataSelector", dataSelector);
        FieldRanges.u16("dataAttributes", dataAttributes);
        FieldRanges.u32("dataBase", dataBase);
        FieldRanges.u32("dataLimit", dataLimit);
    }

    public static Builder builder() {
        return new Builder();
    }

    static NativeX64VpContext readFrom(MemorySegment s) {
        long[] g = new long[GPR_COUNT];
        for (int i = 0; i < GPR_COUNT; i++) {
            g[i] = LittleEndian.u64(s, i * 8L);
        }
        // Bytes 154..157 are reserved; the definitions give them no meaning, so they are not read.
        return new NativeX64VpContext(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11],
                g[12], g[13], g[14], g[15], g[16], g[17],
                LittleEndian.u64(s, 144), LittleEndian.u16(s, 152), LittleEndian.u16(s, 158), LittleEndian.u64(s, 160),
                LittleEndian.u16(s, 168), LittleEndian.u16(s, 170), LittleEndian.u32(s, 172), LittleEndian.u32(s, 176),
                LittleEndian.u16(s, 180), LittleEndian.u16(s, 182), LittleEndian.u32(s, 184), LittleEndian.u32(s, 188),
                LittleEndian.u64(s, 192), LittleEndian.u64(s, 200), LittleEndian.u64(s, 208), LittleEndian.u64(s, 216),
                LittleEndian.u64(s, 224));
    }

    void writeTo(MemorySegment s) {
        long[] g = {rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags};
        for (int i = 0; i < GPR_COUNT; i++) {
            LittleEndian.putU64(s, i * 8L, g[i]);
        }
        LittleEndian.putU64(s, 144, idtrBase);
        LittleEndian.putU16(s, 152, idtrLimit);
        LittleEndian.putU32(s, 154, 0);
        LittleEndian.putU16(s, 158, gdtrLimit);
        LittleEndian.putU64(s, 160, gdtrBase);
        LittleEndian.putU16(s, 168, codeSelector);
        LittleEndian.putU16(s, 170, codeAttributes);
        LittleEndian.putU32(s, 172, codeBase);
        LittleEndian.putU32(s, 176, codeLimit);
        LittleEndian.putU16(s, 180, dataSelector);
        LittleEndian.putU16(s, 182, dataAttributes);
        LittleEndian.putU32(s, 184, dataBase);
        LittleEndian.putU32(s, 188, dataLimit);
        LittleEndian.putU64(s, 192, gsBase);
        LittleEndian.putU64(s, 200, cr0);
        LittleEndian.putU64(s, 208, cr3);
        LittleEndian.putU64(s, 216, cr4);
        LittleEndian.putU64(s, 224, efer);
    }

    /** Names the handful of registers a firmware entry point needs; everything else stays zero. */
    public static final class Builder {
        private final long[] gpr = new long[16];
        private long rip;
        private long rflags;
        private long idtrBase;
        private int idtrLimit;
        private int gdtrLimit;
        private long gdtrBase;
        private int codeSelector;
        private int codeAttributes;
        private long codeBase;
        private long codeLimit;
        private int dataSelector;
        private int dataAttributes;
        private long dataBase;
        private long dataLimit;
        private long gsBase;
        private long cr0;
        private long cr3;
        private long cr4;
        private long efer;

        private Builder() {}

        /** General-purpose register by x86 encoding order: 0=RAX, 1=RCX, 2=RDX, 3=RBX, 4=RSP ... 15=R15. */
        public Builder gpr(int encoding, long value) {
            gpr[encoding] = value;
            return this;
        }

        public Builder rip(long v) { rip = v; return this; }
        public Builder rflags(long v) { rflags = v; return this; }
        public Builder idtr(long base, int limit) { idtrBase = base; idtrLimit = limit; return this; }
        public Builder gdtr(long base, int limit) { gdtrBase = base; gdtrLimit = limit; return this; }

        public Builder code(int selector, int attributes, long base, long limit) {
            codeSelector = selector;
            codeAttributes = attributes;
            codeBase = base;
            codeLimit = limit;
            return this;
        }

        public Builder data(int selector, int attributes, long base, long limit) {
            dataSelector = selector;
            dataAttributes = attributes;
            dataBase = base;
            dataLimit = limit;
            return this;
        }

        public Builder gsBase(long v) { gsBase = v; return this; }
        public Builder cr0(long v) { cr0 = v; return this; }
        public Builder cr3(long v) { cr3 = v; return this; }
        public Builder cr4(long v) { cr4 = v; return this; }
        public Builder efer(long v) { efer = v; return this; }

        public NativeX64VpContext build() {
            return new NativeX64VpContext(gpr[0], gpr[1], gpr[2], gpr[3], gpr[4], gpr[5], gpr[6], gpr[7],
                    gpr[8], gpr[9], gpr[10], gpr[11], gpr[12], gpr[13], gpr[14], gpr[15], rip, rflags,
                    idtrBase, idtrLimit, gdtrLimit, gdtrBase, codeSelector, codeAttributes, codeBase, codeLimit,
                    dataSelector, dataAttributes, dataBase, dataLimit, gsBase, cr0, cr3, cr4, efer);
        }
    }
}
