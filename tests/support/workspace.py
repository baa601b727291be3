"""Running `vigie` in subprocesses (Twisted's reactor cannot restart in one process), and a
workspace for the tests that do: a data folder, a database and a runner."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from storage.db import Database
from tests.support.databases import fresh_database_url, vigie_environment

Runner = Callable[..., subprocess.CompletedProcess]


# Runs `vigie` with an address-space limit (RLIMIT_AS), as a machine with little memory would.
CAPPED = (
    "import resource, runpy, sys; limit = int(sys.argv.pop(1)); "
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); sys.argv[0] = 'vigie'; "
    "runpy.run_module('vigie', run_name='__main__')"
)


def vigie_runner(env: dict[str, str], cwd: Path) -> Runner:
    """``run(*args, extra_env=None, timeout=120, memory_mb=None)``: `vigie ARGS…` in a new process,
    in ``cwd``; with ``memory_mb``, its address space is limited to that many megabytes."""

    def run(
        *args: str, extra_env: dict[str, str] | None = None, timeout: float = 120, memory_mb: int | None = None
    ) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", CAPPED, str(memory_mb << 20)] if memory_mb else [sys.executable, "-m", "vigie"]
        return subprocess.run(
            [*command, *args],
            cwd=cwd,
            env={**env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@contextmanager
def vigie_workspace(folder: Path) -> Iterator[SimpleNamespace]:
    """``folder``, its ``data_dir``, its database ``db`` and ``run``, a :func:`vigie_runner` there."""
    data = folder / "data"
    data.mkdir()
    with fresh_database_url(folder) as url:
        database = Database(url)
        try:
            yield SimpleNamespace(
                folder=folder, data_dir=data, db=database, run=vigie_runner(vigie_environment(data, url), folder)
            )
        finally:
            database.dispose()
