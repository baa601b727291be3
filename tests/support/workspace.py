"""Running `vigie` in subprocesses (Twisted's reactor cannot restart in one process), and a
workspace for the tests that do: a data folder, a database and a runner."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Iterator

from storage.db import Database
from tests.support.databases import fresh_database_url, vigie_environment

Runner = Callable[..., subprocess.CompletedProcess]


def vigie_runner(env: dict[str, str], cwd: Path) -> Runner:
    """``run(*args, extra_env=None, timeout=120)``: `vigie ARGS…` in a new process, in ``cwd``."""

    def run(*args: str, extra_env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "vigie", *args], cwd=cwd, env={**env, **(extra_env or {})},
                              capture_output=True, text=True, timeout=timeout)

    return run


@contextmanager
def vigie_workspace(folder: Path) -> Iterator[SimpleNamespace]:
    """``folder``, its ``data_dir``, its database ``db`` and ``run``, a :func:`vigie_runner` there."""
    data = folder / "data"
    data.mkdir()
    with fresh_database_url(folder) as url:
        database = Database(url)
        try:
            yield SimpleNamespace(folder=folder, data_dir=data, db=database,
                                  run=vigie_runner(vigie_environment(data, url), folder))
        finally:
            database.dispose()
