package dev.panavisor.vmm.vcpu.fallback;

/**
 * The masked-response result of one x87 operation and the FSW bits it raised: IE (bit 0),
 * DE (1), ZE (2), OE (3), UE (4), PE (5), and C1 (bit 9) when an inexact result was rounded
 * up in magnitude (SDM vol. 1, 8.1.3.1 and 4.9.1.6).
 */
record X87Result(ExtendedReal value, int flags) {}
