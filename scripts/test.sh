#!/usr/bin/env bash
# Runs every test. Installs what the tests need first (root on Debian), finds a JDK >= 25.
# On a host with /dev/kvm, KVM tests must run: a skipped KVM test fails the run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
source "$root/scripts/jdk.sh"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
require_kvm=false
[ -e /dev/kvm ] && require_kvm=true
cd "$root"
mvn -B -Dpanavisor.requireKvm=$require_kvm install "$@"
"$root/scripts/check-kvm-tests.sh"
