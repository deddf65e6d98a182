#!/usr/bin/env python3
"""Writes the ELF vmlinux inside a bzImage: the protected-mode payload the setup header points at
(boot protocol 2.08+: payload_offset at 0x248, payload_length at 0x24c, from the start of the
protected-mode code, which follows the (setup_sects + 1) * 512 bytes of real-mode setup),
decompressed with the tool its magic names.

    extract_vmlinux.py BZIMAGE OUT
"""
import struct
import subprocess
import sys

# Magic at the start of the payload -> decompressor command (reads stdin, writes stdout).
TOOLS = [
    (b"\x1f\x8b", ["gzip", "-dc"]),
    (b"\xfd7zXZ\x00", ["xz", "-dc", "--single-stream"]),
    (b"\x28\xb5\x2f\xfd", ["zstd", "-dc"]),
    (b"\x02\x21\x4c\x18", ["lz4", "-dc"]),
    (b"\x5d\x00\x00", ["xz", "-dc", "--format=lzma"]),
    (b"BZh", ["bzip2", "-dc"]),
]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    image = open(sys.argv[1], "rb").read()
    if len(image) < 0x250 or image[0x202:0x206] != b"HdrS":
        sys.exit(f"extract_vmlinux: {sys.argv[1]} has no Linux setup header ('HdrS' at 0x202)")
    version, = struct.unpack_from("<H", image, 0x206)
    if version < 0x208:
        sys.exit(f"extract_vmlinux: boot protocol {version >> 8}.{version & 0xff} has no payload fields (needs 2.08)")
    setup_sects = image[0x1f1] or 4
    offset, length = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * 512 + offset
    payload = image[start:start + length]
    if len(payload) != length:
        sys.exit(f"extract_vmlinux: the payload [{start:#x}, +{length:#x}) runs past the file")
    for magic, cmd in TOOLS:
        if payload.startswith(magic):
            # Every compressor but gzip gets the decompressed size appended by the build; drop it.
            data = payload if magic == b"\x1f\x8b" else payload[:-4]
            out = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if out.returncode != 0 and not out.stdout.startswith(b"\x7fELF"):
                sys.exit(f"extract_vmlinux: {' '.join(cmd)} failed with status {out.returncode}")
            if not out.stdout.startswith(b"\x7fELF"):
                sys.exit("extract_vmlinux: the decompressed payload is not an ELF file")
            open(sys.argv[2], "wb").write(out.stdout)
            return
    sys.exit(f"extract_vmlinux: unknown payload compression (magic {payload[:6].hex()})")


if __name__ == "__main__":
    main()
