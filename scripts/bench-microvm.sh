#!/usr/bin/env bash
# Side-by-side boot benchmark: Panavisor's `run` against QEMU microvm, same kernel, initramfs,
# command line, memory and vCPUs, in one session with the runs alternating.
#
#   scripts/bench-microvm.sh [--runs N] [--cpus "1 2"] [--memory 256M] [--image vmlinux|bzImage]
#                            [--no-acpi] [--no-debian | --no-minimal] [--out docs/microvm-benchmark.md]
#
# Two kernels. Debian's cloud kernel, unmodified, its ELF vmlinux booted through PVH: time from
# spawn to its banner (the first serial line with "Linux version", printed by earlyprintk), then
# the process is stopped (under QEMU that kernel dies on an instruction the host cannot emulate
# soon after). The minimal kernel with the busybox initramfs: time to the banner, to the init
# marker PANAVISOR-INIT-OK and to process exit. For every run also the process's peak RSS. It
# writes medians and Panavisor/QEMU ratios as markdown tables.
# The minimal kernel is built with ACPI (scripts/build-minimal-kernel.sh --acpi; SMP build when
# cpus > 1; --no-acpi for the variant without), the
# initramfs the busybox one (scripts/build-initramfs.py). When `./panavisor run --help` does not
# describe `run --kernel` (the command is not there yet), only QEMU runs and the table says so.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

runs=5
cpus_list="1 2"
memory=256M
image=vmlinux
acpi=(--acpi)
out=docs/microvm-benchmark.md
timeout_s=300
debian=true
minimal=true
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --cpus) cpus_list=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --acpi) acpi=(--acpi); shift ;;
    --no-acpi) acpi=(); shift ;;
    --no-debian) debian=false; shift ;;
    --no-minimal) minimal=false; shift ;;
    --out) out=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-microvm: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case "$image" in vmlinux|bzImage) ;; *) echo "bench-microvm: --image is vmlinux or bzImage" >&2; exit 2 ;; esac

if ! command -v qemu-system-x86_64 >/dev/null; then
  echo "bench-microvm: qemu-system-x86_64 missing (Debian package qemu-system-x86)" >&2
  exit 1
fi
if [ ! -w /dev/kvm ]; then
  echo "bench-microvm: /dev/kvm is not usable" >&2
  exit 1
fi

work=$(mktemp -d -t panavisor-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Every option is explained in docs/minimal-kernel.md; both VMMs get exactly this line. It is the
# one with every guest-side workaround: QEMU has no instruction fallback and dies without them.
cmdline=$(cat guest/kernel/cmdline-no-fallback)

python3 scripts/build-initramfs.py "$work/initramfs.cpio"
declare -A kernel
kernel[up]=$(scripts/build-minimal-kernel.sh "${acpi[@]}" up)
need_smp=false
for c in $cpus_list; do [ "$c" -gt 1 ] && need_smp=true; done
$need_smp && kernel[smp]=$(scripts/build-minimal-kernel.sh "${acpi[@]}" smp)

# QEMU's CPU model (scripts/bench/qemu-cpu.sh says which and why); the table names it.
qemu_cpu=$(scripts/bench/qemu-cpu.sh "${kernel[up]}/$image" "$memory")

panavisor_ok=true
# The root command answers any --help, so look for run's own usage, not just the exit status.
if ! ./panavisor run --help 2>&1 | grep -q -- '--kernel'; then
  panavisor_ok=false
  echo "bench-microvm: './panavisor run --help' shows no 'run --kernel' usage: the run command is not available; benchmarking QEMU alone" >&2
fi

results="$work/results.jsonl"
: > "$results"
mkdir -p "$work/logs"

timed() {  # kind(minimal|debian) label cpus index command...: one timed run, one JSON line
  local kind=$1 label=$2 cpus=$3 i=$4 marks
  shift 4
  if [ "$kind" = debian ]; then
    marks=(--mark "banner=Linux version" --stop-at banner)  # stopped at the banner
  else
    marks=(--mark "banner=Linux version" --mark "init=PANAVISOR-INIT-OK")
  fi
  python3 scripts/bench/serial_timing.py --label "$label" --timeout "$timeout_s" \
    --log "$work/logs/$kind-$label-$cpus-$i.log" "${marks[@]}" -- "$@" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); r["cpus"]=int(sys.argv[1]); r["kernel"]=sys.argv[2]; r["run"]=int(sys.argv[3]); print(json.dumps(r))' "$cpus" "$kind" "$i" \
    | tee -a "$results" >&2
}

alternate() {  # kind cpus kernel cmdline [initrd]: $runs runs of each VMM, alternating which goes first
  local kind=$1 cpus=$2 k=$3 line=$4 initrd=${5:-} i vmm
  local qemu_initrd=() our_initrd=()
  [ -n "$initrd" ] && qemu_initrd=(-initrd "$initrd") && our_initrd=(--initrd "$initrd")
  for i in $(seq 1 "$runs"); do
    # Alternate which VMM goes first so drift on a shared host hits both alike.
    local order=(qemu panavisor)
    [ $((i % 2)) -eq 0 ] && order=(panavisor qemu)
    for vmm in "${order[@]}"; do
      case "$vmm" in
        qemu)
          timed "$kind" qemu "$cpus" "$i" qemu-system-x86_64 -M microvm -enable-kvm \
            -cpu "$qemu_cpu" -smp "$cpus" -m "$memory" \
            -kernel "$k" "${qemu_initrd[@]}" -append "$line" -nographic -no-reboot -device i8042 ;;
        panavisor)
          $panavisor_ok || continue
          timed "$kind" panavisor "$cpus" "$i" ./panavisor run --kernel "$k" "${our_initrd[@]}" \
            --cmdline "$line" --memory "$memory" --cpus "$cpus" ;;
      esac
    done
  done
}

# One untimed run of each VMM first: page cache warm for both, and ./panavisor's AOT cache made
# by that run (the first run after a build records what it loads, see ./panavisor), as it is for
# every run but a fresh checkout's first. An older cache is removed first: one trained by some
# other run (an early Ctrl-C, say) would hold less than a boot needs.
rm -f launcher/target/aot/run.aot launcher/target/aot/run.aot.log
first_cpus=${cpus_list%% *}
warm_variant=up
[ "$first_cpus" -gt 1 ] && warm_variant=smp
warm_k="${kernel[$warm_variant]}/$image"
timeout "$timeout_s" qemu-system-x86_64 -M microvm -enable-kvm -cpu "$qemu_cpu" -smp "$first_cpus" \
  -m "$memory" -kernel "$warm_k" -initrd "$work/initramfs.cpio" -append "$cmdline" -nographic -no-reboot -device i8042 \
  </dev/null >"$work/logs/warmup-qemu.log" 2>&1 || true
if $panavisor_ok; then
  timeout "$timeout_s" ./panavisor run --kernel "$warm_k" --initrd "$work/initramfs.cpio" --cmdline "$cmdline" \
    --memory "$memory" --cpus "$first_cpus" </dev/null >"$work/logs/warmup-panavisor.log" 2>&1 || true
fi

if $minimal; then
  for cpus in $cpus_list; do
    variant=up
    [ "$cpus" -gt 1 ] && variant=smp
    alternate minimal "$cpus" "${kernel[$variant]}/$image" "$cmdline" "$work/initramfs.cpio"
  done
fi

# Debian's cloud kernel (unmodified) as vmlinux through PVH, to its banner. earlyprintk prints the
# banner as soon as the early console is up; without it the banner waits for the real console,
# which QEMU never reaches here. The warm-up runs above left ./panavisor's AOT cache in place.
debian_cmdline="console=ttyS0 earlyprintk=ttyS0 panic=-1"
if $debian; then
  vmlinuz=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort | tail -n 1)
  if [ -z "$vmlinuz" ]; then
    echo "bench-microvm: no /boot/vmlinuz-*-cloud-amd64 (Debian package linux-image-cloud-amd64); skipping the Debian rows" >&2
    debian=false
  else
    python3 scripts/bench/extract_vmlinux.py "$vmlinuz" "$work/debian-vmlinux"
  fi
fi
if $debian; then
  for cpus in $cpus_list; do
    alternate debian "$cpus" "$work/debian-vmlinux" "$debian_cmdline"
  done
fi

mkdir -p "$(dirname "$out")"
python3 scripts/bench/summarize.py "$results" --runs "$runs" --memory "$memory" --image "$image" \
  --cmdline "$cmdline" --debian-cmdline "$debian_cmdline" --debian-kernel "${vmlinuz:-}" \
  --panavisor "$panavisor_ok" --qemu-cpu "$qemu_cpu" --acpi="${acpi[*]:-}" > "$out"
echo "bench-microvm: wrote $out" >&2
cat "$out"
