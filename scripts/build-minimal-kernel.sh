#!/usr/bin/env bash
# Builds Panavisor's minimal test kernel from Debian's linux-source-6.1 package with our
# config fragments (guest/kernel/*.config) and our patches (guest/kernel/patches/*.patch).
#
#   scripts/build-minimal-kernel.sh [--acpi] [up] [smp]      (default: up smp)
#
# For each variant it prints one line on stdout: the directory holding vmlinux (ELF with the
# PVH note), bzImage and the kernel's config. Progress goes to stderr.
#
# Results are cached in $PANAVISOR_KERNEL_CACHE (default ~/.cache/panavisor/kernel) under a
# hash of the source package version, the fragments, the patches and this script, so a second
# run with nothing changed returns at once. The source tree and the per-variant build trees are
# kept too, so a changed patch or fragment rebuilds only what it touches; a cold build of one
# variant takes 2-5 minutes on 2 busy cores. Compilers run under `nice`. See docs/minimal-kernel.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
guest="$root/guest/kernel"
cache="${PANAVISOR_KERNEL_CACHE:-$HOME/.cache/panavisor/kernel}"
tarball=/usr/src/linux-source-6.1.tar.xz
jobs=$(nproc)

acpi=false
variants=()
for arg in "$@"; do
  case "$arg" in
    --acpi) acpi=true ;;
    up|smp) variants+=("$arg") ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-minimal-kernel: unknown argument '$arg' (expected --acpi, up, smp)" >&2; exit 2 ;;
  esac
done
[ ${#variants[@]} -eq 0 ] && variants=(up smp)

log() { echo "build-minimal-kernel: $*" >&2; }

if [ ! -r "$tarball" ]; then
  log "missing $tarball: install the Debian package linux-source-6.1 (scripts/setup.sh does)"
  exit 1
fi
source_version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
[ -n "$source_version" ] || source_version=$(stat -c '%s-%Y' "$tarball")

patches=()
while IFS= read -r p; do patches+=("$p"); done < <(find "$guest/patches" -maxdepth 1 -name '*.patch' | LC_ALL=C sort)

fragments_of() {
  local variant=$1
  echo "$guest/minimal.config"
  [ "$variant" = smp ] && echo "$guest/smp.config"
  $acpi && echo "$guest/acpi.config"
  return 0
}

# The key covers everything that decides the output bytes.
key_of() {
  local variant=$1 f
  {
    echo "linux-source-6.1 $source_version"
    echo "variant $variant acpi $acpi"
    for f in $(fragments_of "$variant") "${patches[@]}" "$0"; do
      echo "== ${f#"$root"/}"
      cat "$f"
    done
  } | sha256sum | cut -c1-16
}

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

work="$cache/work/$source_version"
pristine="$work/pristine"
tree="$work/tree"

prepare_pristine() {
  [ -f "$pristine/.panavisor-extracted" ] && return
  log "extracting $tarball"
  rm -rf "$pristine" && mkdir -p "$pristine"
  nice tar -xf "$tarball" -C "$pristine" --strip-components=1
  touch "$pristine/.panavisor-extracted"
}

files_of_patch() { sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"; }

# The patched tree is a hard-linked copy of the pristine one; a file a patch touches (now or in
# the previous patch set) becomes a private copy with a fresh timestamp, so make rebuilds it and
# the pristine tree is never written.
prepare_tree() {
  local stamp="$tree/.panavisor-patches" want p f
  want=$(cat /dev/null "${patches[@]}" | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(head -1 "$stamp")" = "$want" ]; then return; fi
  local touched=()
  [ -f "$stamp" ] && while IFS= read -r f; do touched+=("$f"); done < <(tail -n +2 "$stamp")
  for p in "${patches[@]}"; do
    while IFS= read -r f; do touched+=("$f"); done < <(files_of_patch "$p")
  done
  log "preparing the source tree with ${#patches[@]} patch(es)"
  rm -rf "$tree"
  cp -al "$pristine" "$tree"
  rm -f "$tree/.panavisor-extracted"
  for f in "${touched[@]}"; do
    if [ -n "$f" ] && [ -f "$pristine/$f" ]; then cp --remove-destination "$pristine/$f" "$tree/$f"; fi
  done
  for p in "${patches[@]}"; do
    log "applying ${p#"$root"/}"
    patch -d "$tree" -p1 --forward --quiet --no-backup-if-mismatch < "$p"
  done
  { echo "$want"; printf '%s\n' "${touched[@]}" | sed '/^$/d' | sort -u; } > "$stamp"
}

# Fails when Kconfig silently dropped or changed a setting a fragment asked for
# (a missing dependency), instead of building a kernel that is not the one described.
check_config() {
  local config=$1 fragment line sym want have bad=0
  shift
  for fragment in "$@"; do
    while IFS= read -r line; do
      if [[ "$line" =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
        sym=${BASH_REMATCH[1]}; want="$sym=${BASH_REMATCH[2]}"
      elif [[ "$line" =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
        sym=${BASH_REMATCH[1]}; want="# $sym is not set"
      else
        continue
      fi
      have=$(grep -E "^($sym=|# $sym is not set)" "$config" || true)
      [ -z "$have" ] && [[ "$want" == "# "* ]] && continue  # unset because its dependencies are off
      if [ "$have" != "$want" ]; then
        log "${fragment#"$root"/}: wants '$want', Kconfig gave '${have:-nothing}'"
        bad=1
      fi
    done < "$fragment"
  done
  return $bad
}

build_variant() {
  local variant=$1 key out build fragments=()
  key=$(key_of "$variant")
  out="$cache/$key"
  if [ -f "$out/vmlinux" ] && [ -f "$out/bzImage" ]; then
    log "$variant: cached in $out"
    echo "$out"
    return
  fi
  prepare_pristine
  prepare_tree
  mapfile -t fragments < <(fragments_of "$variant")
  build="$work/build-$variant$($acpi && echo -acpi || true)"
  mkdir -p "$build"
  log "$variant: configuring in $build"
  nice make -s -C "$tree" O="$build" tinyconfig >/dev/null
  "$tree/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "${fragments[@]}" >/dev/null
  local kconfig_out
  if ! kconfig_out=$(nice make -s -C "$tree" O="$build" olddefconfig 2>&1); then
    echo "$kconfig_out" >&2
    return 1
  fi
  # Fragments override tinyconfig's choices on purpose; say only what else Kconfig reports.
  grep -v "changes choice state" <<<"$kconfig_out" >&2 || true
  check_config "$build/.config" "${fragments[@]}"
  log "$variant: compiling with $jobs jobs (a cold build takes minutes)"
  local start=$SECONDS
  nice make -s -C "$tree" O="$build" -j"$jobs" vmlinux bzImage >&2
  log "$variant: built in $((SECONDS - start)) s"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  cp "$build/vmlinux" "$build/arch/x86/boot/bzImage" "$out.tmp/"
  cp "$build/.config" "$out.tmp/config"
  echo "linux-source-6.1 $source_version, variant $variant, acpi $acpi" > "$out.tmp/VERSION"
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "$out"
}

for v in "${variants[@]}"; do build_variant "$v"; done
