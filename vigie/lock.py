"""The run lock: two scheduled runs (cron, a systemd timer, a run started by hand) never overlap.

The lock lives where the data is shared:

- on SQLite, an exclusive ``flock`` on ``<database file>.lock``, beside the database (by default
  in the data folder): only processes on this machine can open that file;
- on PostgreSQL, a session-level advisory lock of the database (keyed by the schema in use),
  because several machines share the database.

Both are released by the operating system or the database server when the process dies, even
by ``kill -9`` or a reboot: there is never a stale lock to clean up by hand. A lock row in a
table would work on both databases but would need leases and heartbeats to recover from crashes.

A run that finds the lock taken exits at once with :data:`EXIT_LOCKED`, saying who holds it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from storage.db import Database

# The exit status of a run that did nothing because another one is in progress. Distinct from
# 0 (all well), 1 (some source failed) and 2 (configuration error); systemd units list it in
# SuccessExitStatus (deploy/vigie.service) so that a skipped run is not reported as a failure.
EXIT_LOCKED = 3


class LockHeld(Exception):
    """Another process holds the lock; the message says which."""


def _holder_text(command: str) -> str:
    # pid first: PostgreSQL keeps only 63 characters of an application_name.
    return (
        f"vigie {command} (pid {os.getpid()} on {socket.gethostname()}) since "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}"
    )


class FileLock:
    """An exclusive ``flock`` on a file; the file records who holds it (one line of text)."""

    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self.command = command
        self._handle = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise LockHeld(f"another run is in progress: {holder} (lock file {self.path})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(_holder_text(self.command) + "\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        # The file stays: deleting it would let a third process lock a new file while a
        # second one still waits on the old one.
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock, held by one connection for the run's duration."""

    def __init__(self, engine: Engine, command: str) -> None:
        self.engine = engine
        self.command = command
        self._connection: Connection | None = None

    def _key(self, connection: Connection) -> int:
        # One lock per schema: instances of Vigie in different schemas of a database do not block each other.
        schema = connection.scalar(text("SELECT current_schema()"))
        digest = hashlib.sha256(f"vigie:run:{schema}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def acquire(self) -> None:
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        key = self._key(connection)
        if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
            holder = self._holder(connection, key)
            connection.close()
            raise LockHeld(f"another run is in progress: {holder} (PostgreSQL advisory lock {key})")
        # Shown to the next run that finds the lock taken (pg_stat_activity.application_name).
        connection.execute(
            text("SELECT set_config('application_name', :name, false)"), {"name": _holder_text(self.command)[:63]}
        )
        self._connection = connection

    @staticmethod
    def _holder(connection: Connection, key: int) -> str:
        row = connection.execute(
            text(
                "SELECT a.application_name, a.client_addr, a.pid FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.classid = :high AND l.objid = :low AND l.objsubid = 1"
            ),
            {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF},
        ).first()
        if row is None:
            return "another process (it may just have finished; try again)"
        return f"{row.application_name or 'a client'} (server pid {row.pid}, from {row.client_addr or 'local socket'})"

    def release(self) -> None:
        if self._connection is not None:
            # Closing would return the connection to the pool still holding the lock: unlock first.
            self._connection.execute(text("SELECT pg_advisory_unlock_all()"))
            self._connection.invalidate()  # not back to the pool with its application_name
            self._connection.close()
            self._connection = None


class RunLock:
    """The lock of scheduled runs for one database, used as a context manager around the run."""

    def __init__(self, db: Database, command: str) -> None:
        url = make_url(db.url)
        if url.get_backend_name() == "sqlite":
            database = url.database or ""
            in_memory = database in ("", ":memory:")
            self._lock = None if in_memory else FileLock(Path(database + ".lock").resolve(), command)
        else:
            self._lock = AdvisoryLock(db.engine, command)

    def __enter__(self) -> RunLock:
        """Take the lock, or raise :class:`LockHeld` at once (never waits)."""
        if self._lock is not None:
            self._lock.acquire()
        return self

    def __exit__(self, *exc) -> None:
        if self._lock is not None:
            self._lock.release()


@contextmanager
def exclusive_run(db: Database, command: str) -> Iterator[None]:
    """Run the block under the run lock, or exit at once with :data:`EXIT_LOCKED`, saying why."""
    try:
        lock = RunLock(db, command).__enter__()
    except LockHeld as exc:
        print(f"vigie {command}: {exc}; nothing done (exit status {EXIT_LOCKED}).", file=sys.stderr)
        sys.exit(EXIT_LOCKED)
    try:
        yield
    finally:
        lock.__exit__(None, None, None)
