"""Measuring: wall time and peak memory of a command, and of a function in this process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Measure:
    seconds: float
    peak_rss_mb: float
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    cpu_s: float = 0.0  # user and system CPU of the command and of every process it started


def run_command(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 1800) -> Measure:
    """Run ``args``; its wall time, the largest peak resident memory of its processes, their CPU.

    The command is started by :mod:`bench.launch`, a small process, so that its peak memory is
    not the peak this process had when it started it (Linux keeps it across ``exec``).
    """
    out, err, report = cwd / ".stdout", cwd / ".stderr", cwd / ".measure.json"
    launcher = [sys.executable, "-m", "bench.launch", str(report), *args]
    env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))}
    with open(out, "w") as stdout, open(err, "w") as stderr:
        process = subprocess.Popen(launcher, env=env, cwd=cwd, stdout=stdout, stderr=stderr, start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise TimeoutError(f"{' '.join(args)} took more than {timeout} s") from None
    result = json.loads(report.read_text())
    return Measure(
        result["seconds"],
        result["peak_rss_mb"],
        result["returncode"],
        out.read_text(errors="replace"),
        err.read_text(errors="replace"),
        result.get("cpu_s", 0.0),
    )


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def timed(function: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by ``function()``, and its result."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result
