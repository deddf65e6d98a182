#!/usr/bin/env bash
# Issue 6 reset-latency harness: time from a reset request to the first output of the firmware
# that runs next (plain reset, 4 MiB ROM update, 4 MiB IGVM update with SNP measured native), and
# SHA-384 of the image twice, all in one JVM. Runs it twice: with the reset requested 50 ms after
# the guest is ready for it (a guest shuts its OS down between staging and reset; the machine works
# meanwhile), and back to back. Prints both Markdown tables (also written to
# launcher/target/fwupdate-latency-gap*.md). Needs /dev/kvm. Optional: ROUNDS=N (default 25),
# GAPS="50 0".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
export MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow
for gap in ${GAPS:-50 0}; do
  mvn -o -q -pl launcher -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=FirmwareUpdateLatencyHarness \
      -Dpanavisor.fwupdate.latency=true -Dpanavisor.fwupdate.rounds="${ROUNDS:-25}" -Dpanavisor.fwupdate.gapMillis="$gap" \
      -DtrimStackTrace=false >/dev/null
  cat "launcher/target/fwupdate-latency-gap$gap.md"
  echo
done
