"""Start a command and report its wall time and peak memory: ``python -m bench.launch OUT.json CMD…``.

Linux carries a process's peak resident memory across ``exec``: a command started straight from
the benchmark's process (hundreds of megabytes once spaCy models are loaded) would inherit that
peak. Started from this small launcher instead, its peak is its own. Standard library only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    child = subprocess.Popen(args)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "seconds": seconds,
                "peak_rss_mb": usage.ru_maxrss / 1024,
                # CPU of the command and the children it waited for (its analysis workers).
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "returncode": os.waitstatus_to_exitcode(status),
            },
            handle,
        )


if __name__ == "__main__":
    main()
