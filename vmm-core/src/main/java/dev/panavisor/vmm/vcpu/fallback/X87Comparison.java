package dev.panavisor.vmm.vcpu.fallback;

/**
 * The outcome of FCOM/FUCOM/FCOMI/FUCOMI/FTST: {@code relation} of the first operand to the
 * second and the FSW exception bits raised (IE, DE). FCOM reports the relation in C3 C2 C0
 * (greater 000, less 001, equal 100, unordered 111), FCOMI in ZF PF CF (SDM vol. 2, FCOM and
 * FCOMI).
 */
record X87Comparison(int relation, int flags) {
    static final int GREATER = 0, LESS = 1, EQUAL = 2, UNORDERED = 3;

    /** C3, C2, C0 in their FSW positions (bits 14, 10, 8) for FCOM/FUCOM/FTST. */
    int conditionCodes() {
        return switch (relation) {
            case GREATER -> 0;
            case LESS -> 1 << 8;
            case EQUAL -> 1 << 14;
            default -> (1 << 14) | (1 << 10) | (1 << 8);
        };
    }
}
