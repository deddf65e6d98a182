package dev.panavisor.vmm.vcpu.fallback;

/**
 * A value converted for a memory store (binary32/binary64 bits or a two's complement integer,
 * in the low bits) with the FSW bits raised, C1 (bit 9) included: see {@link X87Result}.
 */
record X87Store(long bits, int flags) {}
