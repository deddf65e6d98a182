/**
 * Instruction fallback: carries out, in the VMM, the few instructions KVM's emulator gives
 * up on (KVM_EXIT_INTERNAL_ERROR / EMULATION with the instruction bytes). A pure decoder
 * turns bytes into a {@link dev.panavisor.vmm.vcpu.fallback.DecodedInstruction}; executors
 * apply it to a {@link dev.panavisor.vmm.vcpu.fallback.CpuState}; the KVM-backed state reads
 * and writes the vCPU through its fd. See docs/instruction-fallback.md.
 */
package dev.panavisor.vmm.vcpu.fallback;
