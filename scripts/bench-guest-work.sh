#!/usr/bin/env bash
# How much work each VMM's guest makes the host do up to the kernel's banner, counted by the
# host kernel's KVM tracepoints instead of timed: the number of guest instructions KVM's
# instruction emulator carried out (kvm:kvm_emulate_insn), exits to the VMM process
# (kvm:kvm_userspace_exit) and port and MMIO accesses. On a host whose KVM runs every guest
# instruction in its emulator (this project's CI machines, docs/boot.md) the first count is the
# guest's whole instruction stream, the same on every run of the same boot, so it compares the
# two VMMs without the host's run-to-run noise; on hardware KVM it counts only the few
# instructions KVM had to emulate.
#
#   sudo scripts/bench-guest-work.sh [--memory 256M] [--cpus 1] [--out FILE]
#
# Kernels and command lines are those of scripts/bench-microvm.sh: the minimal kernel (ACPI
# build) with the busybox initramfs, and Debian's cloud kernel as an ELF vmlinux through PVH.
# Needs root (system-wide tracepoints), perf (Debian package linux-perf) and QEMU
# (qemu-system-x86). Counting is system-wide: nothing else should run VMs meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
memory=256M cpus=1 out=
while [ $# -gt 0 ]; do
  case "$1" in
    --memory) memory=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "bench-guest-work: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in perf qemu-system-x86_64 python3; do
  command -v "$tool" >/dev/null || { echo "bench-guest-work: $tool missing (perf: Debian package linux-perf)" >&2; exit 1; }
done
events=kvm:kvm_emulate_insn,kvm:kvm_userspace_exit,kvm:kvm_pio,kvm:kvm_mmio
if ! perf stat -a -x, -e "$events" -- true >/dev/null 2>&1; then
  echo "bench-guest-work: perf cannot count the KVM tracepoints here (needs root and tracefs)" >&2
  exit 1
fi

variant=$([ "$cpus" -gt 1 ] && echo smp || echo up)
kernel_dir=$(scripts/build-minimal-kernel.sh --acpi "$variant")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/build-initramfs.py "$work/initramfs.cpio" >/dev/null
vmlinuz=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1 || true)
[ -n "$vmlinuz" ] || { echo "bench-guest-work: no /boot/vmlinuz-*-cloud-amd64 (Debian package linux-image-cloud-amd64)" >&2; exit 1; }
python3 scripts/bench/extract_vmlinux.py "$vmlinuz" "$work/debian-vmlinux" >/dev/null
cmdline=$(cat guest/kernel/cmdline-no-fallback)
debian_cmdline="console=ttyS0 earlyprintk=ttyS0 panic=-1"
qemu_cpu=$(scripts/bench/qemu-cpu.sh "$kernel_dir/vmlinux" "$memory")

# count LABEL KIND COMMAND...: one boot to the banner under perf; prints "LABEL KIND n1 n2 n3 n4"
count() {
  local label=$1 kind=$2
  shift 2
  perf stat -a -x, -e "$events" -o "$work/perf.csv" -- \
    python3 scripts/bench/serial_timing.py --label "$label" --timeout 300 --log "$work/$label-$kind.log" \
      --mark "banner=Linux version" --stop-at banner -- "$@" >"$work/timing.json"
  python3 - "$label" "$kind" "$work/perf.csv" "$work/timing.json" <<'EOF'
import json, sys
label, kind, csv, timing = sys.argv[1:]
counts = {}
for line in open(csv):
    f = line.strip().split(",")
    if len(f) > 2 and f[0].isdigit():
        counts[f[2]] = int(f[0])
t = json.load(open(timing))
names = ["kvm:kvm_emulate_insn", "kvm:kvm_userspace_exit", "kvm:kvm_pio", "kvm:kvm_mmio"]
print(label, kind, *[counts.get(n, 0) for n in names], t.get("banner_s"))
EOF
}

./panavisor run --help >/dev/null  # builds when missing
# One untimed boot each: page cache, and ./panavisor's AOT cache.
./panavisor run --kernel "$kernel_dir/vmlinux" --initrd "$work/initramfs.cpio" --cmdline "$cmdline" \
  --memory "$memory" --cpus "$cpus" </dev/null >/dev/null 2>&1 || true

rows=()
rows+=("$(count qemu minimal qemu-system-x86_64 -M microvm -enable-kvm -cpu "$qemu_cpu" -smp "$cpus" -m "$memory" \
  -kernel "$kernel_dir/vmlinux" -initrd "$work/initramfs.cpio" -append "$cmdline" -nographic -no-reboot -device i8042)")
rows+=("$(count panavisor minimal ./panavisor run --kernel "$kernel_dir/vmlinux" --initrd "$work/initramfs.cpio" \
  --cmdline "$cmdline" --memory "$memory" --cpus "$cpus")")
rows+=("$(count qemu debian qemu-system-x86_64 -M microvm -enable-kvm -cpu "$qemu_cpu" -smp "$cpus" -m "$memory" \
  -kernel "$work/debian-vmlinux" -append "$debian_cmdline" -nographic -no-reboot -device i8042)")
rows+=("$(count panavisor debian ./panavisor run --kernel "$work/debian-vmlinux" --cmdline "$debian_cmdline" \
  --memory "$memory" --cpus "$cpus")")

table=$(python3 - "$memory" "$cpus" "$qemu_cpu" "${rows[@]}" <<'EOF'
import sys
memory, cpus, qemu_cpu, *rows = sys.argv[1:]
r = {}
for row in rows:
    label, kind, *vals = row.split()
    r[(label, kind)] = vals
print(f"Up to the kernel banner, {cpus} vCPU(s), {memory}; QEMU microvm with -cpu {qemu_cpu}.")
print("Counted system-wide by the host's KVM tracepoints (perf stat -a), one boot each.")
print()
print("| kernel | counter | QEMU microvm | Panavisor | ratio |")
print("|---|---|---|---|---|")
names = ["guest instructions emulated", "exits to the VMM process", "port accesses", "MMIO accesses"]
for kind, title in (("minimal", "minimal"), ("debian", "Debian cloud `vmlinux` (PVH)")):
    q, p = r[("qemu", kind)], r[("panavisor", kind)]
    for i, n in enumerate(names):
        qv, pv = int(q[i]), int(p[i])
        ratio = f"{pv / qv:.3f}" if qv else "-"
        print(f"| {title} | {n} | {qv:,} | {pv:,} | {ratio} |")
    print(f"| {title} | wall clock to the banner (one run; noisy) | {q[4]} s | {p[4]} s | - |")
EOF
)
echo "$table"
if [ -n "$out" ]; then
  { echo "# Guest work up to the banner, $(date -u +%F)"; echo; echo "scripts/bench-guest-work.sh on $(uname -r)."; echo; echo "$table"; } > "$out"
  echo "bench-guest-work: written to $out" >&2
fi
