#!/usr/bin/env bash
# Fails when /dev/kvm exists but some test skipped for want of KVM, or when no KVM test ran at all.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ -e /dev/kvm ] || { echo "check-kvm-tests: no /dev/kvm on this host; KVM tests were allowed to skip"; exit 0; }
reports=$(find "$root" -path '*/target/surefire-reports/TEST-*.xml')
[ -n "$reports" ] || { echo "check-kvm-tests: no surefire reports found" >&2; exit 1; }
if grep -l 'needs KVM: /dev/kvm is missing' $reports >/dev/null 2>&1; then
  echo "check-kvm-tests: /dev/kvm exists but KVM tests were skipped:" >&2
  grep -l 'needs KVM: /dev/kvm is missing' $reports >&2
  exit 1
fi
ran=$(grep -ho '<testcase [^>]*classname="[^"]*\(Kvm\|Vm\|Boot\|Guest\)[^"]*"' $reports | wc -l)
if [ "$ran" -eq 0 ]; then
  echo "check-kvm-tests: /dev/kvm exists but no KVM test ran" >&2
  exit 1
fi
echo "check-kvm-tests: /dev/kvm present; KVM test cases ran: $ran, skipped for want of KVM: 0"
