#!/usr/bin/env bash
# Issue 6 reset-latency harness: time from a reset request to the first output of the firmware
# that runs next (plain reset, 4 MiB ROM update, 4 MiB IGVM update with SNP measured native), and
# SHA-384 of the image twice, all in one JVM. Prints a Markdown table (also written to
# launcher/target/fwupdate-latency.md). Needs /dev/kvm. Optional: ROUNDS=N (default 25).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
export MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow
mvn -o -q -pl launcher -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=FirmwareUpdateLatencyHarness \
    -Dpanavisor.fwupdate.latency=true -Dpanavisor.fwupdate.rounds="${ROUNDS:-25}" -DtrimStackTrace=false >/dev/null
cat launcher/target/fwupdate-latency.md
