"""The real servers of the operations tests: PostgreSQL and Redis on loopback.

These tests exercise PostgreSQL- and Redis-specific behaviour, so they use the servers whenever
they are running (whatever VIGIE_TEST_DATABASE_URL says) and skip only when they are absent.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from storage.schemas import scratch_schema

POSTGRES_URL = os.environ.get("VIGIE_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = os.environ.get("VIGIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextmanager
def postgres_database_url() -> Iterator[str]:
    """A new PostgreSQL schema, dropped afterwards; the test is skipped when no server answers."""
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL}: {exc.orig}")
    finally:
        engine.dispose()
    with scratch_schema(POSTGRES_URL, prefix="test") as url:
        yield url


@contextmanager
def redis_prefix() -> Iterator[tuple[str, str]]:
    """A key prefix of this test's own on the Redis server, deleted afterwards: (url, prefix)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"no Redis server at {REDIS_URL}: {exc}")
    prefix = f"vigie-test-{uuid.uuid4().hex[:12]}"
    try:
        yield REDIS_URL, prefix
    finally:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
