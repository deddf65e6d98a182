#!/usr/bin/env bash
# Prints the -cpu value the side-by-side benchmarks give QEMU microvm:
#   scripts/bench/qemu-cpu.sh KERNEL MEMORY
# The host's model without the two paravirt features whose vmcall never returns on this host's
# KVM (Panavisor's host-safe template hides them too). Some host kernels here refuse the
# IA32_ARCH_CAPABILITIES value QEMU 7.2 copies from them (QEMU then aborts with "failed to set MSR
# 0x10a" before the guest runs); on those the MSR is left out, which a short probe boot of KERNEL
# finds out, and a line on stderr says so.
set -euo pipefail
kernel=$1 memory=$2
cpu=host,-kvm-pv-ipi,-kvm-pv-sched-yield
probe=$(timeout 3 qemu-system-x86_64 -M microvm -enable-kvm -cpu "$cpu" -m "$memory" -kernel "$kernel" \
  -append console=ttyS0 -nographic -no-reboot -device i8042 </dev/null 2>&1 || true)
if grep -q "failed to set MSR 0x10a" <<<"$probe"; then
  cpu+=,-arch-capabilities
  echo "qemu-cpu: this host's KVM refuses QEMU's IA32_ARCH_CAPABILITIES; QEMU runs with -cpu $cpu" >&2
fi
echo "$cpu"
