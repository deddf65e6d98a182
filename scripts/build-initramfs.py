#!/usr/bin/env python3
"""Writes Panavisor's test initramfs: an uncompressed cpio "newc" archive holding
busybox-static as /bin/busybox, guest/initramfs/init as /init, the /dev/console node and /sys.

    scripts/build-initramfs.py OUTPUT [--busybox /bin/busybox] [--init guest/initramfs/init]

Uncompressed on purpose: gunzip of the archive costs ~30 s of emulated time on a host whose
KVM only emulates. No root needed (device nodes are written as archive entries, not made).
The launcher tests build the same archive with dev.panavisor.firmware.cpio.CpioNewcWriter.
"""
import argparse
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

S_IFDIR, S_IFREG, S_IFCHR = 0o040000, 0o100000, 0o020000


def entry(ino, name, mode, data=b"", nlink=1, rdev=(0, 0)):
    name_bytes = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0]
    header = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = header + name_bytes
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def build(busybox: bytes, init: bytes) -> bytes:
    entries = [
        ("dev", S_IFDIR | 0o755, b"", 2, (0, 0)),
        ("dev/console", S_IFCHR | 0o600, b"", 1, (5, 1)),
        ("sys", S_IFDIR | 0o755, b"", 2, (0, 0)),
        ("bin", S_IFDIR | 0o755, b"", 2, (0, 0)),
        ("bin/busybox", S_IFREG | 0o755, busybox, 1, (0, 0)),
        ("init", S_IFREG | 0o755, init, 1, (0, 0)),
    ]
    out = b"".join(entry(i + 1, n, m, d, nl, rd) for i, (n, m, d, nl, rd) in enumerate(entries))
    out += entry(len(entries) + 1, "TRAILER!!!", 0, b"", 1)
    return out + b"\0" * (-len(out) % 512)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("output")
    p.add_argument("--busybox", default="/bin/busybox")
    p.add_argument("--init", default=str(ROOT / "guest/initramfs/init"))
    a = p.parse_args()
    try:
        busybox = pathlib.Path(a.busybox).read_bytes()
        init = pathlib.Path(a.init).read_bytes()
    except OSError as e:
        sys.exit(f"build-initramfs: {e} (busybox-static provides /bin/busybox)")
    data = build(busybox, init)
    tmp = a.output + ".tmp"
    pathlib.Path(tmp).write_bytes(data)
    os.replace(tmp, a.output)


if __name__ == "__main__":
    main()
