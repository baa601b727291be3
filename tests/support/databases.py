"""A database of its own for a test (or a module of tests)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from functools import cache
from pathlib import Path

from storage.schemas import scratch_schema

POSTGRES_URL = os.environ.get("VIGIE_TEST_DATABASE_URL", "")


@contextmanager
def fresh_database_url(folder: Path) -> Iterator[str]:
    """A SQLite file in ``folder``, or, when VIGIE_TEST_DATABASE_URL is set, a new PostgreSQL
    schema dropped afterwards."""
    if not POSTGRES_URL:
        yield f"sqlite:///{folder / 'vigie.sqlite3'}"
        return
    with scratch_schema(POSTGRES_URL, prefix="test") as url:
        yield url


def vigie_environment(data_dir: Path, database_url: str) -> dict[str, str]:
    """Environment for running `vigie` on this database: fast on loopback, offline, no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    env.update(
        {
            "VIGIE_DATA_DIR": str(data_dir),
            "VIGIE_DATABASE_URL": database_url,
            "VIGIE_CONFIG": "",
            "VIGIE_BUNDLED_SOURCES": "false",
            "VIGIE_DOWNLOAD_DELAY_S": "0",
            "VIGIE_AUTOTHROTTLE": "false",
            "VIGIE_RETRY_BACKOFF_S": "0.05",
            "VIGIE_DOWNLOAD_TIMEOUT_S": "5",
            "VIGIE_CONCURRENT_REQUESTS_PER_DOMAIN": "8",
        }
    )
    return env


@cache
def _migrated_sqlite_template() -> Path:
    """A SQLite database migrated to head, made once per test process."""
    from storage.db import Database

    path = Path(tempfile.mkdtemp(prefix="vigie-template-")) / "template.sqlite3"
    Database(f"sqlite:///{path}").dispose()
    return path


def migrated(url: str) -> str:
    """``url``, holding the current schema: a new SQLite file is a copy of a database migrated
    once for the whole test process (running the migrations for each test cost most of a fast
    test's time). A PostgreSQL schema, or a file that exists, is left to `Database` to migrate."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))  # private, as storage.db makes it
            with (
                closing(sqlite3.connect(_migrated_sqlite_template())) as source,
                closing(sqlite3.connect(path)) as copy,
            ):
                source.backup(copy)
    return url
