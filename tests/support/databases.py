"""A database of its own for a test (or a module of tests)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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
