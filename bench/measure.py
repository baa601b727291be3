"""Measuring: wall time and peak memory of a command, and of a function in this process."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass
class Measure:
    seconds: float
    peak_rss_mb: float
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""


def run_command(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 1800) -> Measure:
    """Run ``args``; its wall time and the peak resident memory of that process alone (``wait4``)."""
    out, err = cwd / ".stdout", cwd / ".stderr"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(args, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        _, status, usage = os.wait4(process.pid, 0)
        killer.cancel()
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measure(seconds, usage.ru_maxrss / 1024, process.returncode,
                   out.read_text(errors="replace"), err.read_text(errors="replace"))


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def timed(function: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by ``function()``, and its result."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
