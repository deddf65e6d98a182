#!/usr/bin/env bash
# Assembles Panavisor's test guests: each SRC_DIR/NAME.S becomes OUT_DIR/NAME.bin, a flat
# image to load at guest-physical 0x10000 (boot contract: launcher/src/main/guest/README.md).
#
# Needs only binutils (as, ld, objcopy, nm). The images are reproducible: a flat binary has
# no headers, so no timestamps, paths or build IDs can get in; the bytes depend only on the
# sources and the binutils version.
#
# Test firmware ROMs: each SRC_DIR/rom/NAME.S becomes OUT_DIR/NAME.rom, a 64 KiB image that
# ends at 4 GiB and starts at the reset vector (layout: SRC_DIR/rom/rom.ld, README.md).
#
# usage: scripts/build-guests.sh SRC_DIR OUT_DIR
set -euo pipefail
export LC_ALL=C

fail() { echo "build-guests: $*" >&2; exit 1; }

[ $# -eq 2 ] || { echo "usage: $0 SRC_DIR OUT_DIR" >&2; exit 2; }
src=$1
out=$2
[ -d "$src" ] || fail "no such directory: $src"
[ -f "$src/guest.ld" ] || fail "missing linker script $src/guest.ld"
for tool in as ld objcopy nm; do
  command -v "$tool" >/dev/null || fail "'$tool' not found; install binutils"
done

readonly LOAD_ADDRESS=$((0x10000))  # the contract's load address; guest.ld links there
readonly RAM_FLOOR=$((0x200000))    # the contract promises at least 2 MiB of RAM

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

shopt -s nullglob
sources=("$src"/*.S)
[ ${#sources[@]} -gt 0 ] || fail "no .S files in $src"

symbol() { # prints the address of symbol $2 in ELF file $1, as a number
  local hex
  hex=$(nm "$1" | awk -v s="$2" '$3 == s { print $1 }')
  [ -n "$hex" ] || fail "$1: no symbol $2"
  echo $((16#$hex))
}

for source in "${sources[@]}"; do
  name=$(basename "$source" .S)
  as --64 -I "$src" -o "$work/$name.o" "$source"
  ld -m elf_x86_64 -static -nostdlib --build-id=none -T "$src/guest.ld" \
     -o "$work/$name.elf" "$work/$name.o"

  # The VMM starts every vCPU at the image's first byte, and the guest uses RAM up to _end.
  entry=$(symbol "$work/$name.elf" _start)
  end=$(symbol "$work/$name.elf" _end)
  [ "$entry" -eq "$LOAD_ADDRESS" ] || fail "$name: _start is at $(printf %#x "$entry"), not the image start"
  [ "$end" -le "$RAM_FLOOR" ] || fail "$name: image and bss end at $(printf %#x "$end"), past 2 MiB"

  objcopy -O binary "$work/$name.elf" "$work/$name.bin"
  mv -f "$work/$name.bin" "$out/$name.bin"
  echo "build-guests: $out/$name.bin ($(wc -c < "$out/$name.bin") bytes, RAM used up to $(printf %#x "$end"))"
done

readonly ROM_SIZE=$((0x10000))      # rom.ld: one 64 KiB block
readonly RESET_VECTOR=$((0xFFF0))   # F000:FFF0, 16 bytes below the ROM's end
roms=("$src"/rom/*.S)
for source in "${roms[@]}"; do
  name=$(basename "$source" .S)
  as --64 -I "$src/rom" -o "$work/$name.o" "$source"
  ld -m elf_x86_64 -static -nostdlib --build-id=none -T "$src/rom/rom.ld" \
     -o "$work/$name.elf" "$work/$name.o"
  vector=$(symbol "$work/$name.elf" reset_vector)
  code_end=$(symbol "$work/$name.elf" _code_end)
  [ "$vector" -eq "$RESET_VECTOR" ] || fail "$name: reset_vector is at $(printf %#x "$vector"), not $(printf %#x "$RESET_VECTOR")"
  [ "$code_end" -le "$RESET_VECTOR" ] || fail "$name: code ends at $(printf %#x "$code_end"), over the reset vector"
  # Unused ROM bytes read as erased flash.
  objcopy -O binary --gap-fill 0xFF "$work/$name.elf" "$work/$name.rom"
  size=$(wc -c < "$work/$name.rom")
  [ "$size" -eq "$ROM_SIZE" ] || fail "$name: ROM is $size bytes, not $ROM_SIZE"
  mv -f "$work/$name.rom" "$out/$name.rom"
  echo "build-guests: $out/$name.rom ($size bytes, code up to $(printf %#x "$code_end"))"
done
