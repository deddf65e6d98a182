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
import json
import re
import signal
import subprocess
import time

import tracefs
from tracefs import write

COM1 = range(0x3F8, 0x400)


def pio_events(until):
    """(thread id, timestamp, port) of every traced port access up to `until`."""
    for tid, ts, event, rest in tracefs.events():
        m = re.search(r"at 0x([0-9a-f]+)", rest) if event == "kvm_pio" else None
        if m and ts <= until:
            yield tid, ts, int(m.group(1), 16)


def tail(line_at, spawned):
    """The result fields from the trace, once the line arrived at `line_at`."""
    events = list(pio_events(line_at))
    # The banner's vCPU thread is the one of the last port access before the line: a VMM may
    # run other, throwaway VMs in the same process (Panavisor's start-up rehearsal writes a
    # byte to its own COM1), and those threads are left out.
    banner_tid = events[-1][0] if events else None
    events = [(ts, port) for tid, ts, port in events if tid == banner_tid]
    first = next((i for i, (_, port) in enumerate(events) if port in COM1), None)
    if first is None:
        return {"banner_s": round(line_at - spawned, 3)}
    return {"banner_s": round(line_at - spawned, 3),
            "tail_ms": round((line_at - events[first][0]) * 1000, 1),
            "port_exits": len(events) - first,
            "last_exit_to_line_ms": round((line_at - events[-1][0]) * 1000, 2)}


def main():
    a, cmd = tracefs.parse_traced_command(
        "console_tail_trace", 120.0, lambda ap: ap.add_argument("--mark", default="Linux version"))
    mark = a.mark.encode()

    result = {"label": a.label, "banner_s": None, "tail_ms": None, "port_exits": None, "last_exit_to_line_ms": None}
    old_clock = tracefs.clock()
    write("tracing_on", "0")
    write("trace_clock", "mono")  # time.monotonic() is CLOCK_MONOTONIC too
    write("trace", "")
    write("buffer_size_kb", "4096")
    write("events/kvm/kvm_pio/enable", "1")
    proc = None
    try:
        write("tracing_on", "1")
        spawned = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        signal.signal(signal.SIGALRM, lambda *_: tracefs.stop(proc, signal.SIGKILL))
        signal.alarm(int(a.timeout))
        line_at = None
        for line in proc.stdout:
            if mark in line:
                line_at = time.monotonic()
                break
        signal.alarm(0)
        write("tracing_on", "0")
        tracefs.stop(proc, signal.SIGKILL)
        if line_at is not None:
            result.update(tail(line_at, spawned))
    finally:
        write("tracing_on", "0")
        tracefs.stop(proc, signal.SIGKILL)
        write("events/kvm/kvm_pio/enable", "0")
        write("trace_clock", old_clock)  # after the buffer was read: changing the clock empties it
    print(json.dumps(result))


if __name__ == "__main__":
    main()
