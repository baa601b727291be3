"""storage.queue.take_turns: writers of one council's findings wait for each other; others go on."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage.models import Source
from storage.queue import take_turns


def add_councils(db, *ids: str) -> None:
    with db.session() as session:
        for source_id in ids:
            session.add(Source(id=source_id, name=source_id, country="FR", platform="html", url="https://x.example/"))


def impatient(session) -> None:
    """Make this session's next lock wait fail at once instead of waiting."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.connection.dbapi_connection.execute("PRAGMA busy_timeout = 0")
    else:
        connection.execute(text("SET LOCAL lock_timeout = '10ms'"))


def test_a_second_writer_of_the_same_council_waits_for_the_first(db):
    add_councils(db, "lyon")
    with db.sessions() as first, first.begin():
        take_turns(first, Source, "lyon")
        with db.sessions() as second, second.begin():
            impatient(second)
            with pytest.raises(OperationalError, match="lock"):
                take_turns(second, Source, "lyon")


def test_the_turn_ends_with_the_transaction(db):
    add_councils(db, "lyon")
    with db.session() as first:
        take_turns(first, Source, "lyon")
    with db.session() as second:
        impatient(second)
        take_turns(second, Source, "lyon")  # does not raise


def test_writers_of_another_council_wait_only_on_sqlite(db):
    """PostgreSQL locks the council's row; SQLite has one writer for the whole database."""
    add_councils(db, "lyon", "nice")
    with db.sessions() as first, first.begin():
        take_turns(first, Source, "lyon")
        with db.sessions() as second, second.begin():
            impatient(second)
            if db.engine.dialect.name == "sqlite":
                with pytest.raises(OperationalError, match="lock"):
                    take_turns(second, Source, "nice")
            else:
                take_turns(second, Source, "nice")  # does not raise
