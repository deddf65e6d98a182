#!/usr/bin/env python3
"""Runs one VMM command and times it from the moment it is spawned, reading the guest's serial
output (the command's stdout) line by line as it arrives.

    serial_timing.py --label NAME --timeout S --log FILE [--mark KEY=TEXT ...] [--stop-at KEY] -- COMMAND...

Prints one JSON object: label, exit status (or "timeout", or "stopped" when --stop-at's mark was
seen and the process was then killed), seconds to the first line containing each mark's TEXT
(null if never seen), seconds to process exit (null when timed out or stopped), and the
process's peak RSS in KiB (ru_maxrss from wait4, which covers the command and the children it
waited for, up to the moment it ended).
"""
import argparse
import json
import os
import selectors
import signal
import subprocess
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--label", required=True)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--log", required=True)
    p.add_argument("--mark", action="append", default=[], help="KEY=TEXT")
    p.add_argument("--stop-at", help="kill the process once this mark's line is seen")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    marks = dict(m.split("=", 1) for m in a.mark)
    seen = {k: None for k in marks}

    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    pending = b""
    status = None
    with open(a.log, "wb") as log:
        while True:
            left = a.timeout - (time.monotonic() - start)
            if left <= 0:
                os.killpg(proc.pid, signal.SIGKILL)
                status = "timeout"
                break
            if not sel.select(timeout=min(left, 1.0)):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            now = time.monotonic() - start
            if not chunk:
                break
            log.write(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines + ([pending] if pending else []):
                text = line.decode("utf-8", "replace")
                for key, needle in marks.items():
                    if seen[key] is None and needle in text:
                        seen[key] = round(now, 3)
            if a.stop_at and seen.get(a.stop_at) is not None:
                os.killpg(proc.pid, signal.SIGKILL)
                status = "stopped"
                break
        _, wait_status, usage = os.wait4(proc.pid, 0)
        end = round(time.monotonic() - start, 3)
    if status is None:
        status = os.waitstatus_to_exitcode(wait_status)
    result = {"label": a.label, "status": status, "exit_s": end if status not in ("timeout", "stopped") else None,
              "peak_rss_kib": usage.ru_maxrss}
    result.update({f"{k}_s": v for k, v in seen.items()})
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
