package dev.panavisor.vmm.vcpu.fallback;

/**
 * FPREM/FPREM1: the partial remainder, the FSW exception bits raised, and the condition bits in
 * their FSW positions: C2 (bit 10) when the reduction is incomplete, else the three low
 * quotient bits as C1 = q0 (bit 9), C3 = q1 (bit 14), C0 = q2 (bit 8) (SDM vol. 2, FPREM).
 */
record X87Remainder(ExtendedReal value, int flags, int conditionBits) {}
