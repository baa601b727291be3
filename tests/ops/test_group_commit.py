"""storage.group_commit: units of work of several threads, committed together, each thread
getting back its own result or its own exception, never before its unit is committed."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from storage.group_commit import GroupCommit
from storage.models import Source


def add_council(session, source_id: str) -> str:
    session.add(Source(id=source_id, name=source_id, country="FR", platform="html", url="https://x.example/"))
    return source_id


def councils(db) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(Source.id)))


def in_threads(writes: GroupCommit, first, others: list) -> list:
    """Run ``first`` in a thread that holds the writer's turn until every unit of ``others``
    (each in a thread of its own) is waiting; return each one's result or exception."""
    results: list = [None] * (len(others) + 1)
    every_other_waits = threading.Event()

    def hold_then(session):
        assert every_other_waits.wait(10)
        return first(session)

    def call(index, write):
        try:
            results[index] = write()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=call, args=(0, lambda: writes.run(hold_then)))]
    threads[0].start()
    deadline = time.monotonic() + 10
    while writes.transactions == 0 and time.monotonic() < deadline:  # the first holds the turn
        time.sleep(0.001)
    threads += [threading.Thread(target=call, args=(i + 1, write)) for i, write in enumerate(others)]
    for thread in threads[1:]:
        thread.start()
    while writes.one_writer and writes.waiting < len(others) and time.monotonic() < deadline:
        time.sleep(0.001)
    every_other_waits.set()
    for thread in threads:
        thread.join(10)
    return results


def test_units_waiting_together_are_committed_in_one_transaction_each_with_its_result(db):
    writes = GroupCommit(db)
    others = [lambda name=name: writes.run(lambda session: add_council(session, name)) for name in ("b", "c", "d")]

    results = in_threads(writes, lambda session: add_council(session, "a"), others)

    assert results == ["a", "b", "c", "d"]
    assert councils(db) == {"a", "b", "c", "d"}
    if db.engine.dialect.name == "sqlite":  # one writer: the three waited behind the first, then went together
        assert writes.transactions == 2


def test_a_failing_unit_raises_in_its_own_thread_and_the_others_are_still_written(db):
    writes = GroupCommit(db)

    def fails(session):
        add_council(session, "broken")
        raise ValueError("bad row")

    others = [
        lambda: writes.run(lambda session: add_council(session, "b")),
        lambda: writes.run(fails),
        lambda: writes.run(lambda session: add_council(session, "c")),
    ]
    results = in_threads(writes, lambda session: add_council(session, "a"), others)

    assert results[:2] == ["a", "b"] and results[3] == "c"
    assert isinstance(results[2], ValueError)
    assert councils(db) == {"a", "b", "c"}  # nothing of the failed unit


def test_items_of_one_kind_are_written_by_one_call(db):
    writes = GroupCommit(db)
    calls = []

    def add_all(session, names):
        calls.append(list(names))
        return [add_council(session, name).upper() for name in names]

    others = [lambda name=name: writes.run_together(add_all, name) for name in ("b", "c", "d")]
    results = in_threads(writes, lambda session: add_council(session, "a"), others)

    assert results == ["a", "B", "C", "D"]
    if db.engine.dialect.name == "sqlite":
        assert sorted(calls[-1]) == ["b", "c", "d"]


def test_a_unit_alone_is_its_own_transaction(db):
    writes = GroupCommit(db)

    assert writes.run(lambda session: add_council(session, "a")) == "a"
    with pytest.raises(ValueError):
        writes.run(lambda session: (add_council(session, "b"), int("x")))
    assert writes.transactions == 2
    with db.session() as session:
        assert session.scalar(select(func.count(Source.id))) == 1
