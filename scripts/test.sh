#!/usr/bin/env bash
# Runs every test. Installs what the tests need first (root on Debian), finds a JDK >= 25.
# On a host with /dev/kvm, KVM tests must run: a skipped KVM test fails the run.
#
# Two passes. First every test but the slow firmware group (OVMF boots, JUnit tag
# "slow-firmware"), then that group. Guests here run under KVM's instruction emulator, and its
# speed differs between machines of the same kind by 3x or more; the slow group takes ~47
# minutes on a fast one. So before the second pass the emulator is timed (Debian's cloud kernel
# to its banner under our launcher, 6.5 s on the machine the group's time was measured on), and
# the group runs only when its scaled estimate fits the time left in PANAVISOR_TEST_BUDGET_MIN
# (default 85, CI's limit being 90). When it does not fit, the run says so loudly, with the
# numbers, and does not fail: the group is then run by hand with PANAVISOR_SLOW=always.
# PANAVISOR_SLOW=never leaves it out; extra arguments go to both Maven passes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
started=$(date +%s)
"$root/scripts/setup.sh"
source "$root/scripts/jdk.sh"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
require_kvm=false
[ -e /dev/kvm ] && require_kvm=true
cd "$root"
slow_group=slow-firmware
mvn -B -Dpanavisor.requireKvm=$require_kvm -Dsurefire.excludedGroups=$slow_group install "$@"
# The launcher script's AOT cache must link its classes (see the script for why it can silently stop).
"$root/scripts/check-aot-linking.sh"

# Seconds the slow group took, and the banner time, on the reference machine (run of 2026-12-02).
reference_slow_s=2800
reference_banner_s=6.5
budget_s=$(( ${PANAVISOR_TEST_BUDGET_MIN:-85} * 60 ))
run_slow=${PANAVISOR_SLOW:-auto}
if [ "$run_slow" = auto ]; then
  if [ ! -e /dev/kvm ]; then
    run_slow=always  # every test in it skips without KVM, at once
  else
    work=$(mktemp -d -t panavisor-calibrate.XXXXXX)
    vmlinuz=$(ls /boot/vmlinuz-*-cloud-amd64 | sort | tail -n 1)
    python3 scripts/bench/extract_vmlinux.py "$vmlinuz" "$work/vmlinux"
    banner_s=$(python3 scripts/bench/serial_timing.py --label calibrate --timeout 300 --log "$work/serial.log" \
        --mark "banner=Linux version" --stop-at banner -- ./panavisor run --kernel "$work/vmlinux" \
        --cmdline "console=ttyS0 earlyprintk=ttyS0 panic=-1" --memory 256M \
      | python3 -c 'import json,sys; b=json.load(sys.stdin)["banner_s"]; print(b if b is not None else 300)')
    rm -rf "$work"
    elapsed=$(( $(date +%s) - started ))
    estimate=$(python3 -c "print(int($reference_slow_s * $banner_s / $reference_banner_s * 1.15))")
    echo "test: emulator calibration: Debian kernel banner in ${banner_s} s (reference ${reference_banner_s} s);" \
         "slow group estimated at ${estimate} s; ${elapsed} s used of a ${budget_s} s budget"
    if [ $(( elapsed + estimate )) -le "$budget_s" ]; then
      run_slow=always
    else
      run_slow=never
      cat >&2 <<EOF
test: ======================================================================
test: NOT RUN: the slow firmware group (OvmfBootSlowTest, FirmwareUpdateOvmfSlowTest).
test: This host's instruction emulator is too slow for it to finish in the budget
test: (estimate ${estimate} s, ${elapsed} s already used of ${budget_s} s).
test: Run it by hand: PANAVISOR_SLOW=always scripts/test.sh
test: ======================================================================
EOF
    fi
  fi
fi
if [ "$run_slow" = always ]; then
  mvn -B -Dpanavisor.requireKvm=$require_kvm -Dsurefire.excludedGroups= -Dgroups=$slow_group \
      -pl launcher test "$@"
fi
"$root/scripts/check-kvm-tests.sh"
