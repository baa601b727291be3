"""A workspace for tests that run `vigie` in subprocesses: a data folder, a database, a runner."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

from storage.db import Database
from tests.support.databases import fresh_database_url, vigie_environment


@contextmanager
def vigie_workspace(folder: Path) -> Iterator[SimpleNamespace]:
    """``folder``, its ``data_dir``, its database ``db`` and ``run(*args, extra_env=None)``, which
    runs `vigie` there (a subprocess: Twisted's reactor cannot restart)."""
    data = folder / "data"
    data.mkdir()
    with fresh_database_url(folder) as url:
        env = vigie_environment(data, url)

        def run(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "vigie", *args], cwd=folder, env={**env, **(extra_env or {})},
                                  capture_output=True, text=True, timeout=120)

        database = Database(url)
        try:
            yield SimpleNamespace(folder=folder, data_dir=data, db=database, run=run)
        finally:
            database.dispose()
