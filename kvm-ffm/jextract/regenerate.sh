#!/usr/bin/env bash
# Regenerates kvm-ffm/src/generated/java from the headers in this folder.
#
#   JEXTRACT=/path/to/bin/jextract kvm-ffm/jextract/regenerate.sh
#
# jextract is not packaged anywhere we can install from; see docs/jextract.md
# for how a developer obtains one. It must run against libclang 14 (Debian's
# libclang1-14): libclang 19 mis-parses kvm_run's nested anonymous unions.
# The generated code is committed; this script only *runs* jextract.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../src/generated/java"
pkg=dev.panavisor.kvm.sys
: "${JEXTRACT:?set JEXTRACT to a jextract launcher}"
clang_inc=${CLANG_INCLUDE:-$(ls -d /usr/lib/llvm-14/lib/clang/*/include | head -1)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Every constant and struct declared by the KVM headers (and ours), nothing
# they drag in from elsewhere.
"$JEXTRACT" -I "$clang_inc" -I "$here" --dump-includes "$tmp/all.txt" "$here/kvm_all.h" >/dev/null 2>&1
grep -E '# header: .*(linux/kvm\.h|asm/kvm\.h|panavisor_uapi\.h)$' "$tmp/all.txt" \
  | grep -E '^--include-(constant|struct|union|typedef)' | awk '{print $1" "$2}' | sort -u > "$tmp/kvm.args"

rm -rf "$out/dev/panavisor/kvm/sys"
mkdir -p "$out"
"$JEXTRACT" -I "$clang_inc" -I "$here" -t "$pkg" --header-class-name KvmUapi \
  --output "$out" @"$tmp/kvm.args" "$here/kvm_all.h" 2>&1 | grep -v 'bitfields are not supported' || true
"$JEXTRACT" -I "$clang_inc" -t "$pkg" --header-class-name Libc \
  --output "$out" @<(grep -v '^#' "$here/libc-symbols.txt") "$here/panavisor_libc.h"
echo "generated into $out/dev/panavisor/kvm/sys ($(ls "$out/dev/panavisor/kvm/sys" | wc -l) files)"
