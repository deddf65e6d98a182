#!/usr/bin/env python3
"""Time from a VMM's exec to its guest's first instruction at a given address, traced by the host.

    startup_trace.py --rip 0x1000850 [--label L] -- command...

The host kernel's ftrace stamps two events on one clock: sched:sched_process_exec for the
command (its first exec: the ./panavisor script, or qemu-system-x86_64) and kvm:kvm_emulate_insn
filtered to the instruction at --rip (a PVH kernel's 32-bit entry point). That needs a host whose
KVM emulates the guest's instructions (this project's CI hosts, docs/boot.md); on hardware KVM
no such event comes. The command is stopped with SIGINT once the entry was seen. Prints one JSON
line: label, entry_ms (null if the guest never got there within --timeout).
Needs root and tracefs; nothing else should run a VM meanwhile (the filter is system-wide).
"""
import json
import subprocess
import time

import tracefs
from tracefs import write


def main():
    a, cmd = tracefs.parse_traced_command("startup_trace", 20.0, lambda ap: ap.add_argument(
        "--rip", required=True, help="guest address of the instruction to wait for (hex)"))
    rip = int(a.rip, 16)

    write("tracing_on", "0")
    write("trace", "")
    write("buffer_size_kb", "256")
    write("events/kvm/kvm_emulate_insn/filter", "rip == %d" % rip)
    write("events/kvm/kvm_emulate_insn/enable", "1")
    write("events/sched/sched_process_exec/enable", "1")
    entry_ms = None
    proc = None
    try:
        write("tracing_on", "1")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + a.timeout
        exec_ts = None
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            for pid, ts, ev, _ in tracefs.events():
                if ev == "sched_process_exec" and pid == proc.pid and exec_ts is None:
                    exec_ts = ts
                elif ev == "kvm_emulate_insn" and exec_ts is not None:
                    entry_ms = round((ts - exec_ts) * 1000, 1)
                    break
            if entry_ms is not None:
                break
    finally:
        write("tracing_on", "0")
        write("events/kvm/kvm_emulate_insn/enable", "0")
        write("events/sched/sched_process_exec/enable", "0")
        write("events/kvm/kvm_emulate_insn/filter", "0")
        tracefs.stop(proc)
    print(json.dumps({"label": a.label, "entry_ms": entry_ms}))


if __name__ == "__main__":
    main()
