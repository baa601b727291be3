"""Work queues in the database, claimed safely by several workers at once.

A queue is a table with a "to do" condition (documents whose status is ``pending``, deliveries
due for sending). A worker claims a few rows inside a transaction, works on them, changes their
state and commits; another worker never gets the same rows meanwhile:

- on PostgreSQL the rows are selected ``FOR UPDATE SKIP LOCKED``: other workers skip them
  (without waiting) until the transaction ends;
- on SQLite the claim takes the database's write lock first (``BEGIN IMMEDIATE``): SQLite has a
  single writer, so claimers take turns, each seeing what the previous one committed.

Usage, one unit of work per transaction::

    with db.session() as session:
        ids = claim(session, Document, select(Document.id).where(Document.status == DocumentStatus.PENDING)
                    .order_by(Document.id), limit=1)
        ...  # work on them, set their status, in this session

A row lock lasts as long as the transaction. For work that must happen outside a transaction
(sending a message over the network), pass ``worker``: on a model with ``claimed_by`` and
``claimed_at`` columns they are stamped, a lease the caller's query should honour.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Select, event, select, update
from sqlalchemy.orm import Session

from storage.models import utcnow

# How often a SQLite writer waiting for its turn looks whether it has come (seconds).
TURN_POLL_S = 0.002


def worker_name() -> str:
    """A name for this process among the workers: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stopped_workers(workers: Iterable[str]) -> list[str]:
    """Those of ``workers`` (named by :func:`worker_name`) that were processes of this machine and
    no longer run: their claims can be taken back without waiting for the lease. A worker of
    another machine, or whose process id was reused since, is left to the lease."""
    host = socket.gethostname()
    stopped = []
    for worker in workers:
        name, _, pid = worker.rpartition(":")
        if name != host or not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            stopped.append(worker)
        except PermissionError:
            pass  # it exists, as another user
    return stopped


def renew_claims(session: Session, model: type[Any], worker: str) -> None:
    """Stamp again the rows ``worker`` holds: it is alive, and its lease starts again."""
    session.execute(
        update(model)
        .where(model.claimed_by == worker)
        .values(claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def claim(
    session: Session, model: type[Any], ids_query: Select[Any], worker: str | None = None, limit: int = 1
) -> list[Any]:
    """Claim up to ``limit`` rows of ``model`` among those ``ids_query`` selects; returns their ids.

    ``ids_query`` selects the primary key of ``model`` (``select(Model.id).where(...)``), in the
    order work should be done. The claim holds until the session's transaction ends.
    """
    lock_for_claims(session)
    query = ids_query.with_for_update(skip_locked=True, of=model).limit(limit)
    ids = list(session.scalars(query))
    if ids and worker is not None and hasattr(model, "claimed_by"):
        session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(claimed_by=worker, claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return ids


def lock_for_claims(session: Session) -> None:
    """On SQLite, take the write lock before the select of a claim (see :func:`claim`); on
    PostgreSQL nothing: the select's ``FOR UPDATE SKIP LOCKED`` does it, row by row."""
    if session.connection().dialect.name == "sqlite":
        _take_sqlite_write_lock(session)


def take_turns(session: Session, model: type[Any], key: Any) -> None:
    """Until the transaction ends, other writers that call this for the same row wait.

    For work that reads, then writes, rows that several workers may create at once (the findings
    of one council, built from its documents): on PostgreSQL the row ``key`` of ``model`` is
    locked (``SELECT … FOR UPDATE``), so workers of other councils go on; on SQLite, which has one
    writer, the database's write lock is taken before any read.
    """
    if session.connection().dialect.name == "sqlite":
        _take_sqlite_write_lock(session)
    else:
        session.execute(select(model.id).where(model.id == key).with_for_update())


def _take_sqlite_write_lock(session: Session) -> None:
    """Open the session's transaction with SQLite's write lock, after the writers before it.

    The sqlite3 driver opens a transaction only before the first write, so two claimers could
    read the same rows before either writes: ``BEGIN IMMEDIATE`` takes the lock before the read.
    A writer that finds it taken would sleep in SQLite's busy handler, up to 100 ms at a time,
    and wake to find it taken again as often as not (two analysis workers waited there about an
    eighth of their time, and about 80 ms to claim each batch). Instead, the writers that take
    turns (claims, stores) queue on a lock of the operating system (``flock`` on a file beside
    the database), and then ask for SQLite's lock every few milliseconds (the crawl storing
    documents does not queue); each for as long as the connection's ``busy_timeout``, after which
    SQLite's own lock decides, and fails as it would.
    """
    connection = session.connection()
    driver_connection: Any = connection.connection.dbapi_connection  # sqlite3.Connection here
    if driver_connection.in_transaction:
        return
    patience_s = driver_connection.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
    _queue_for_turn(session, connection.engine.url.database, patience_s)
    driver_connection.execute("PRAGMA busy_timeout = 0")
    try:
        began = _retry(lambda: _try_begin_immediate(driver_connection), patience_s)
    finally:
        driver_connection.execute(f"PRAGMA busy_timeout = {int(patience_s * 1000)}")
    if not began:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits as SQLite would, then fails as it would


def _queue_for_turn(session: Session, database: str | None, patience_s: float) -> None:
    """Hold the ``flock`` of ``<database>-turns`` until ``session``'s transaction ends (not when it
    could not be had within ``patience_s``, nor for a database that is no file of its own)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    descriptor = os.open(f"{database}-turns", os.O_RDWR | os.O_CREAT, 0o600)
    if not _retry(lambda: _try_flock(descriptor), patience_s):
        os.close(descriptor)
        return
    released = False

    def release(*_: Any) -> None:
        nonlocal released
        if not released:
            released = True
            os.close(descriptor)  # and the lock with it

    event.listen(session, "after_commit", release, once=True)
    event.listen(session, "after_rollback", release, once=True)
    event.listen(session, "after_soft_rollback", release, once=True)


def _retry(attempt: Callable[[], bool], patience_s: float) -> bool:
    """Call ``attempt`` every TURN_POLL_S until it returns True (then True) or ``patience_s`` has
    passed (then False)."""
    deadline = time.monotonic() + patience_s
    while not attempt():
        if time.monotonic() >= deadline:
            return False
        time.sleep(TURN_POLL_S)
    return True


def _try_flock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _try_begin_immediate(driver_connection: Any) -> bool:
    try:
        driver_connection.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False
