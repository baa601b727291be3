"""Start a command and report its wall time, peak memory and CPU: ``python -m bench.launch OUT.json CMD…``.

Linux carries a process's peak resident memory across ``exec``: a command started straight from
the benchmark's process (hundreds of megabytes once spaCy models are loaded) would inherit that
peak. Started from this small launcher instead, its peak is its own.

The command's processes are all counted, those it did not wait for too: the launcher is their
"subreaper" (Linux), so that a process left behind (the fork server of `vigie run`'s analysis
workers, which reaps the workers) comes back to it when its parent exits, and is reaped here.
``peak_rss_mb`` is the largest peak of any of them; ``cpu_s`` the CPU of them all. Standard
library only.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    start = time.perf_counter()
    child = subprocess.Popen(args)
    seconds, code, peak_kb, cpu_s = 0.0, 0, 0, 0.0
    while True:
        try:
            pid, status, usage = os.wait4(-1, 0)
        except ChildProcessError:  # none left
            break
        # A process's usage includes that of the children it reaped itself.
        peak_kb = max(peak_kb, usage.ru_maxrss)
        cpu_s += usage.ru_utime + usage.ru_stime
        if pid == child.pid:
            seconds, code = time.perf_counter() - start, os.waitstatus_to_exitcode(status)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "cpu_s": cpu_s, "returncode": code}, handle)


if __name__ == "__main__":
    main()
