#!/usr/bin/env bash
# Installs the Debian packages Panavisor's tests and demos use, when they are missing.
# Needs root (as on CI and the project's machines); otherwise says what to install.
set -euo pipefail
packages=(binutils gcc ovmf seabios busybox-static)
packages+=(linux-image-cloud-amd64)
packages+=(lz4 xz-utils zstd)
# The minimal test kernel (scripts/build-minimal-kernel.sh) and its initramfs tests:
packages+=(linux-source-6.1 make bc bison flex libelf-dev lz4 patch)
packages+=(cpio)
# SeaBIOS boots a fw-cfg kernel through QEMU's linuxboot_dma.bin option ROM (run --firmware --kernel):
packages+=(qemu-system-data)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null
