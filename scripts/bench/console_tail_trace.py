#!/usr/bin/env python3
"""Time from a guest's first serial-port access to its banner line on the VMM's stdout.

    console_tail_trace.py [--label L] [--mark TEXT] [--timeout S] -- command...

The last stretch of the "to kernel banner" rows of scripts/bench-microvm.sh: the guest programs
COM1, then writes the banner a byte at a time (two port exits per byte, the transmitter polled
first), and the VMM turns those exits into a line on its stdout. This is the part of the row a
VMM's exit path decides, so it is measured on its own: the host's ftrace stamps every port access
(kvm:kvm_pio, on the monotonic clock) and this script stamps the moment the line containing
--mark arrives on the command's stdout, on the same clock. Prints one JSON line: label, banner_s
(from spawn), tail_ms (first access to COM1's registers, 0x3f8-0x3ff, to the line), port_exits
(PIO exits within the tail) and last_exit_to_line_ms (the VMM's own latency after the guest's
last port access before the line). Only the accesses of the vCPU thread that printed the line
count: another VM in the same process (Panavisor's start-up rehearsal writes a byte to its own
COM1) is left out, and so are ports used before COM1 (PCI probes, a firmware's fw-cfg).

Needs root and tracefs; nothing else should run a VM meanwhile (the event is system-wide).
The command is killed once the line is seen.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

TRACING = "/sys/kernel/tracing"
COM1 = range(0x3F8, 0x400)


def write(path, value):
    with open(os.path.join(TRACING, path), "w") as f:
        f.write(value)


def pio_events():
    with open(os.path.join(TRACING, "trace")) as f:
        for line in f:
            m = re.search(r"-(\d+)\s+\[\d+\].*?\s(\d+\.\d+): kvm_pio: pio_\w+ at 0x([0-9a-f]+)", line)
            if m:
                yield int(m.group(1)), float(m.group(2)), int(m.group(3), 16)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", default="")
    ap.add_argument("--mark", default="Linux version")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not cmd:
        ap.error("no command")
    if not os.path.isdir(os.path.join(TRACING, "events")):
        sys.exit("console_tail_trace: no tracefs at %s (mount -t tracefs none %s, as root)" % (TRACING, TRACING))
    mark = a.mark.encode()

    with open(os.path.join(TRACING, "trace_clock")) as f:
        old_clock = re.search(r"\[(\w+)\]", f.read()).group(1)
    write("tracing_on", "0")
    write("trace", "")
    write("trace_clock", "mono")  # time.monotonic() is CLOCK_MONOTONIC too
    write("buffer_size_kb", "4096")
    write("events/kvm/kvm_pio/enable", "1")
    proc = None
    line_at = None
    try:
        write("tracing_on", "1")
        spawned = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        signal.signal(signal.SIGALRM, lambda *_: os.killpg(proc.pid, signal.SIGKILL))
        signal.alarm(int(a.timeout))
        for line in proc.stdout:
            if mark in line:
                line_at = time.monotonic()
                break
        signal.alarm(0)
    finally:
        write("tracing_on", "0")
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    result = {"label": a.label, "banner_s": None, "tail_ms": None, "port_exits": None, "last_exit_to_line_ms": None}
    if line_at is not None:
        events = [e for e in pio_events() if e[1] <= line_at]
        # The banner's vCPU thread is the one of the last port access before the line: a VMM may
        # run other, throwaway VMs in the same process (Panavisor's start-up rehearsal writes a
        # byte to its own COM1), and those threads are left out.
        banner_tid = events[-1][0] if events else None
        events = [(ts, port) for tid, ts, port in events if tid == banner_tid]
        first = next((i for i, (_, port) in enumerate(events) if port in COM1), None)
        result["banner_s"] = round(line_at - spawned, 3)
        if first is not None:
            result["tail_ms"] = round((line_at - events[first][0]) * 1000, 1)
            result["port_exits"] = len(events) - first
            result["last_exit_to_line_ms"] = round((line_at - events[-1][0]) * 1000, 2)
    write("events/kvm/kvm_pio/enable", "0")
    write("trace_clock", old_clock)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
