#!/usr/bin/env bash
# Process-level cross-check of `panavisor measure` against virtee's sev-snp-measure on Debian's
# OVMF.fd: both tools run as processes on the same firmware for several modes, vCPU counts and
# vCPU types; the digests are compared and printed as a table, then both are timed on one case
# (median of RUNS runs each).
#
# sev-snp-measure is not vendored. Where it comes from, first match wins:
#   SEV_SNP_MEASURE_SRC=/path/to/checkout   a checkout containing sev-snp-measure.py
#   /work/.mirror/virtee+sev-snp-measure    the local bare mirror, exported to a temp dir
# Without either (CI has no GitHub and PyPI is not reachable) the script says so and exits 0;
# the recorded vectors in confidential-launch's SevSnpMeasureVectorsTest remain the CI check.
#
# Environment: OVMF (default /usr/share/ovmf/OVMF.fd), RUNS (default 7), PYTHON (default python3).
# Exit status: 0 all digests agree (or skipped), 1 a mismatch, 2 a tool failed.
set -euo pipefail
cd "$(dirname "$0")/.."

ovmf=${OVMF:-/usr/share/ovmf/OVMF.fd}
runs=${RUNS:-7}
python=${PYTHON:-python3}
mirror=/work/.mirror/virtee+sev-snp-measure/repo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

skip() { echo "compare-sev-snp-measure: skipped: $1"; exit 0; }

src=${SEV_SNP_MEASURE_SRC:-}
if [[ -z "$src" && -d "$mirror" ]]; then
  mkdir -p "$work/sev-snp-measure"
  git --git-dir="$mirror" archive HEAD | tar -x -C "$work/sev-snp-measure"
  src="$work/sev-snp-measure"
  rev=$(git --git-dir="$mirror" rev-parse --short HEAD)
else
  rev=$( [[ -n "$src" ]] && git -C "$src" rev-parse --short HEAD 2>/dev/null || echo "unknown")
fi
[[ -n "$src" && -f "$src/sev-snp-measure.py" ]] ||
  skip "no sev-snp-measure source (set SEV_SNP_MEASURE_SRC to a checkout of github.com/virtee/sev-snp-measure)"
"$python" -c 'import cryptography' 2>/dev/null || skip "$python lacks the 'cryptography' module sev-snp-measure needs"
[[ -r "$ovmf" ]] || skip "$ovmf not installed (Debian package ovmf)"

# ./panavisor builds the launcher when it is missing; after code changes, rebuild it first.

reference() { "$python" "$src/sev-snp-measure.py" "$@" 2>"$work/ref.err" || { cat "$work/ref.err" >&2; return 2; }; }
ours() { ./panavisor measure "$@" 2>"$work/ours.err" || { cat "$work/ours.err" >&2; return 2; }; }

echo "sev-snp-measure $rev ($src) vs panavisor, firmware $ovmf (sha256 $(sha256sum "$ovmf" | cut -c1-16)...)"
printf '%-7s %-6s %-11s %-20s %-20s %-20s %s\n' mode vcpus vcpu-type sev-snp-measure "panavisor --firmware" "panavisor --igvm" result
mismatches=0
compare() { # mode vcpus type
  local mode=$1 vcpus=$2 type=$3 platform ref fw igvm ref_args=() our_args=()
  case $mode in
    snp) platform=snp; ref_args=(--vcpus "$vcpus" --vcpu-type "$type"); our_args=(--vcpus "$vcpus" --vcpu-type "$type") ;;
    seves) platform=sev-es; ref_args=(--vcpus "$vcpus" --vcpu-type "$type"); our_args=(--vcpus "$vcpus" --vcpu-type "$type") ;;
    sev) platform=sev ;;
  esac
  ref=$(reference --mode "$mode" --ovmf "$ovmf" "${ref_args[@]}" | tail -1) || exit 2
  fw=$(ours --platform "$platform" --firmware "$ovmf" "${our_args[@]}") || exit 2
  ./panavisor igvm wrap --firmware "$ovmf" --platform "$platform" "${our_args[@]}" -o "$work/fw.igvm" >/dev/null || exit 2
  igvm=$(ours --platform "$platform" --igvm "$work/fw.igvm") || exit 2
  local result=match
  [[ "$ref" == "$fw" && "$ref" == "$igvm" ]] || { result=MISMATCH; mismatches=$((mismatches + 1)); }
  printf '%-7s %-6s %-11s %-20s %-20s %-20s %s\n' "$mode" "$vcpus" "$type" "${ref:0:16}..." "${fw:0:16}..." "${igvm:0:16}..." "$result"
}
for vcpus in 1 2 4 8; do
  for type in EPYC-v4 EPYC-Milan EPYC-Genoa; do compare snp "$vcpus" "$type"; done
done
for vcpus in 1 2 4; do compare seves "$vcpus" EPYC-Rome; done
compare sev - -

median_ms() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
time_runs() { for _ in $(seq "$runs"); do
    local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); done | median_ms; }
ref_ms=$(time_runs "$python" "$src/sev-snp-measure.py" --mode snp --ovmf "$ovmf" --vcpus 4 --vcpu-type EPYC-Milan)
our_ms=$(time_runs ./panavisor measure --platform snp --firmware "$ovmf" --vcpus 4 --vcpu-type EPYC-Milan)
echo
echo "process wall time, snp 4 x EPYC-Milan, median of $runs runs: sev-snp-measure ${ref_ms} ms, panavisor measure ${our_ms} ms"
awk -v r="$ref_ms" -v o="$our_ms" 'BEGIN { printf "panavisor / sev-snp-measure = %.2f\n", o / r }'

if ((mismatches > 0)); then echo "$mismatches mismatch(es)"; exit 1; fi
echo "all digests agree"
