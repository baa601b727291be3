"""Small units of work of several threads, committed together: a group commit.

The notifier's threads each write a few rows per message (a claim, an acceptance, a channel's
health). On SQLite, which has one writer, they would take turns one transaction at a time, and
each turn costs a commit and a wait for the interpreter's lock while the other threads render
messages. Here a thread hands its unit of work over and waits: whichever thread takes the
writer's turn runs every unit waiting at that moment in one transaction, and each thread gets
its own unit's result (or exception) back once it is committed. No unit returns before its
writes are committed, so a caller's guarantee ("recorded before going on") is unchanged; a unit
waits no longer than it would have for its own turn.

Units of one kind can be written together (``run_together``): the notifier's records of two
hundred sends become a few statements, not a few per send.

A unit that raises spoils the transaction of its group: the group is rolled back and its
units run again, each in a transaction of its own, so the others are still written and the
failing one raises to its own thread only. A unit must therefore only read and write the
database and return what it found (no other side effects), since it may run twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from storage.db import Database

T = TypeVar("T")


class _Unit(Generic[T]):
    """One thread's item for ``write_all(session, [items…]) -> [results…]``."""

    def __init__(self, write_all: Callable[[Session, list[Any]], list[T]], item: Any) -> None:
        self.write_all, self.item = write_all, item
        self.result: T | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()


class GroupCommit:
    """Commit the units of work of several threads of one process together (see the module)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # SQLite has one writer: the threads take turns here rather than in SQLite's busy handler.
        # PostgreSQL locks rows: its threads write side by side, each committing what is waiting.
        self.one_writer = db.engine.dialect.name == "sqlite"
        self._writer: AbstractContextManager[Any] = threading.Lock() if self.one_writer else nullcontext()
        self._waiting: list[_Unit[Any]] = []
        self._waiting_lock = threading.Lock()
        self.transactions = 0  # committed or rolled back: for tests and measurements

    @property
    def waiting(self) -> int:
        """Units handed over and not yet taken by a writer."""
        with self._waiting_lock:
            return len(self._waiting)

    def run(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in a transaction, possibly shared with other threads' units;
        return its result once committed, or raise its exception."""
        return self.run_together(lambda session, _items: [work(session)], None)

    def run_together(self, write_all: Callable[[Session, list[Any]], list[T]], item: Any) -> T:
        """Write ``item`` as ``write_all(session, items)`` writes a list of them (returning a
        result for each, in order); the items other threads are writing at the moment with the
        same ``write_all`` are written in the same call: a few statements for all of them."""
        unit: _Unit[T] = _Unit(write_all, item)
        with self._waiting_lock:
            self._waiting.append(unit)
        with self._writer:
            with self._waiting_lock:
                group, self._waiting = self._waiting, []
            if group:
                self._commit(group)
        unit.done.wait()  # another writer took this unit with its group: wait until it commits it
        if unit.error is not None:
            raise unit.error
        return unit.result  # type: ignore[return-value]

    def _commit(self, group: list[_Unit[Any]]) -> None:
        try:
            if len(group) == 1 or not self._together(group):
                for unit in group:
                    self._alone(unit)
        finally:
            for unit in group:
                unit.done.set()

    def _together(self, group: list[_Unit[Any]]) -> bool:
        """Run the group in one transaction; False (rolled back) if any unit raised."""
        self.transactions += 1
        kinds: dict[Callable[..., Any], list[_Unit[Any]]] = {}
        for unit in group:
            kinds.setdefault(unit.write_all, []).append(unit)
        results = []
        try:
            with self.db.session() as session:
                for write_all, units in kinds.items():
                    results.append(write_all(session, [unit.item for unit in units]))
        except Exception:
            return False
        for units, written in zip(kinds.values(), results, strict=True):
            for unit, result in zip(units, written, strict=True):
                unit.result = result
        return True

    def _alone(self, unit: _Unit[Any]) -> None:
        self.transactions += 1
        try:
            with self.db.session() as session:
                unit.result = unit.write_all(session, [unit.item])[0]
        except Exception as exc:
            unit.result, unit.error = None, exc
