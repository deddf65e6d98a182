#!/bin/sh
# Regenerates vmm-core/src/test/resources/x87/vectors.txt.gz from the host's x87 unit.
# Needs gcc on x86-64; the output is deterministic for one CPU model (fixed PRNG seed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../resources/x87/vectors.txt.gz"
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
gcc -O1 -Wall -Werror -o "$bin" "$here/x87_vectors.c"
"$bin" "${1:-500}" | gzip -9n > "$out"
echo "wrote $out: $(zcat "$out" | wc -l) vectors on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
