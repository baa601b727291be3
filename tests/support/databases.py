"""A database of its own for a test (or a module of tests)."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("VIGIE_TEST_DATABASE_URL", "")


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """A new schema on the PostgreSQL server at ``server_url``, selected through ``search_path``
    in the URL returned, and dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def fresh_database_url(folder: Path) -> Iterator[str]:
    """A SQLite file in ``folder``, or, when VIGIE_TEST_DATABASE_URL is set, a new PostgreSQL
    schema dropped afterwards."""
    if not POSTGRES_URL:
        yield f"sqlite:///{folder / 'vigie.sqlite3'}"
        return
    with postgres_schema(POSTGRES_URL) as url:
        yield url


def vigie_environment(data_dir: Path, database_url: str) -> dict[str, str]:
    """Environment for running `vigie` on this database: fast on loopback, offline, no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    env.update({
        "VIGIE_DATA_DIR": str(data_dir),
        "VIGIE_DATABASE_URL": database_url,
        "VIGIE_CONFIG": "",
        "VIGIE_BUNDLED_SOURCES": "false",
        "VIGIE_DOWNLOAD_DELAY_S": "0",
        "VIGIE_AUTOTHROTTLE": "false",
        "VIGIE_RETRY_BACKOFF_S": "0.05",
        "VIGIE_DOWNLOAD_TIMEOUT_S": "5",
        "VIGIE_CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    })
    return env
