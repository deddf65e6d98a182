package dev.panavisor.vmm.vcpu.fallback;

/** General-purpose register numbers as ModRM/REX encode them, and their names. */
public final class Registers {
    public static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;

    private static final String[] NAMES64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final String[] NAMES16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};

    private Registers() {}

    public static String name(int reg, int size) {
        if (reg >= 8) return NAMES64[reg] + (size == 32 ? "d" : size == 16 ? "w" : "");
        return switch (size) {
            case 16 -> NAMES16[reg];
            case 32 -> "e" + NAMES16[reg];
            default -> NAMES64[reg];
        };
    }
}
