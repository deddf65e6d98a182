#!/usr/bin/env python3
"""Prints the PVH entry point of an ELF vmlinux, in hex: the 32-bit address in its
XEN_ELFNOTE_PHYS32_ENTRY note (type 18, owner "Xen"), where a PVH-booting VMM starts the kernel.

    pvh_entry.py VMLINUX

Reads the notes through the program headers (PT_NOTE), as a loader does; fails with one line
naming what is missing or malformed.
"""
import struct
import sys

PT_NOTE = 4
XEN_ELFNOTE_PHYS32_ENTRY = 18


def fail(message):
    sys.exit(f"pvh_entry: {sys.argv[1]}: {message}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    f = open(sys.argv[1], "rb").read()
    if len(f) < 64 or f[:4] != b"\x7fELF" or f[4] != 2 or f[5] != 1:
        fail("not a 64-bit little-endian ELF file")
    phoff, = struct.unpack_from("<Q", f, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", f, 0x36)
    if phentsize < 56 or phoff + phnum * phentsize > len(f):
        fail(f"program headers at {phoff:#x} ({phnum} x {phentsize} bytes) run past the file")
    for i in range(phnum):
        typ, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", f, phoff + i * phentsize)
        if typ != PT_NOTE:
            continue
        if off + filesz > len(f):
            fail(f"PT_NOTE segment [{off:#x}, +{filesz:#x}) runs past the file")
        o, end = off, off + filesz
        while o + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", f, o)
            name = f[o + 12:o + 12 + namesz].rstrip(b"\0")
            desc = o + 12 + ((namesz + 3) & ~3)
            if desc + descsz > end:
                fail(f"note at {o:#x} runs past its PT_NOTE segment")
            if ntype == XEN_ELFNOTE_PHYS32_ENTRY and name == b"Xen" and descsz >= 4:
                print(hex(struct.unpack_from("<I", f, desc)[0]))
                return
            o = desc + ((descsz + 3) & ~3)
    fail("no XEN_ELFNOTE_PHYS32_ENTRY note (the kernel was built without PVH support)")


if __name__ == "__main__":
    main()
