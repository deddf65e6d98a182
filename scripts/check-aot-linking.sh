#!/usr/bin/env bash
# Fails unless ./panavisor's AOT cache links its classes ahead of time. Some JVM flags quietly
# turn AOT class linking off (in JDK 25, --illegal-native-access=deny disables the full module
# graph and with it linking); the cache is then still made and used, but only loads classes,
# and start-up is ~200 ms slower with nothing saying so. This builds a fresh cache for one
# short command through the script itself, with its exact flags, and reads the assembly's log.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/launcher/target/aot"
rm -f "$dir/measure.aot" "$dir/measure.aot.log"
# A training run of a command that needs no KVM: measure a tiny synthetic firmware image.
work=$(mktemp -d -t panavisor-aot.XXXXXX)
trap 'rm -rf "$work"' EXIT
head -c 65536 /dev/zero > "$work/fw.bin"
"$root/panavisor" measure --platform sev --firmware "$work/fw.bin" >/dev/null 2>"$work/err" || {
  echo "check-aot-linking: the training run failed:" >&2; cat "$work/err" >&2; exit 1; }
log="$dir/measure.aot.log"
if [ ! -s "$dir/measure.aot" ] || [ ! -s "$log" ]; then
  echo "check-aot-linking: ./panavisor made no AOT cache (or no log) in $dir" >&2; exit 1
fi
line=$(grep -m1 -E 'instance classes += *[0-9]+, aot-linked += *[0-9]+' "$log" || true)
linked=$(sed -E 's/.*aot-linked += *([0-9]+).*/\1/' <<<"$line")
if [ -z "$line" ] || [ "${linked:-0}" -eq 0 ]; then
  echo "check-aot-linking: FAILED: the AOT cache links no classes (${line:-no class summary in $log})" >&2
  grep -iE 'full module graph|aot-linked|disabled' "$log" | head -5 >&2 || true
  exit 1
fi
echo "check-aot-linking: ok, ${line#*instance classes}"
