"""The host's ftrace, as the tracing scripts next to this file use it (imported, not run).

Needs root and tracefs at TRACING. Events are system-wide: nothing else should run a VM while a
script traces one.
"""
import argparse
import os
import re
import signal
import subprocess
import sys

TRACING = "/sys/kernel/tracing"


def require(script):
    """Stops `script` with one line unless tracefs is there."""
    if not os.path.isdir(os.path.join(TRACING, "events")):
        sys.exit("%s: no tracefs at %s (mount -t tracefs none %s, as root)" % (script, TRACING, TRACING))


def write(path, value):
    with open(os.path.join(TRACING, path), "w") as f:
        f.write(value)


def clock():
    """The trace clock in use (the bracketed one in trace_clock)."""
    with open(os.path.join(TRACING, "trace_clock")) as f:
        return re.search(r"\[(\w+)\]", f.read()).group(1)


def events():
    """The ring buffer's events so far: (thread id, timestamp in s, event name, the rest of the line)."""
    with open(os.path.join(TRACING, "trace")) as f:
        for line in f:
            m = re.search(r"-(\d+)\s+\[\d+\].*?\s(\d+\.\d+): (\w+):(.*)", line)
            if m:
                yield int(m.group(1)), float(m.group(2)), m.group(3), m.group(4)


def parse_traced_command(script, timeout, add_options=lambda ap: None):
    """The command line every trace script takes: `add_options`'s own, --label, --timeout and,
    after an optional "--", the command to trace. Stops with one line without a command or
    without tracefs. Returns (options, command words)."""
    ap = argparse.ArgumentParser(prog=script)
    add_options(ap)
    ap.add_argument("--label", default="")
    ap.add_argument("--timeout", type=float, default=timeout)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not cmd:
        ap.error("no command")
    require(script)
    return a, cmd


def stop(proc, first=signal.SIGINT):
    """Stops the command's process group (started with start_new_session): `first`, then SIGKILL after 10 s."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, first)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
