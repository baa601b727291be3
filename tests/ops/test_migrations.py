"""The Alembic migrations: each one upgrades and downgrades cleanly, on SQLite and on PostgreSQL
(run the suite with VIGIE_TEST_DATABASE_URL, as `make test-postgres` does), and the head of the
migrations is exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage.db import Database, alembic_config, make_engine
from storage.models import Base

APP_TABLES = set(Base.metadata.tables)


def _run(url: str, action, revision: str) -> None:
    """Run an Alembic command on one connection, committed, as ``Database.migrate`` does."""
    engine = make_engine(url)
    try:
        cfg = alembic_config(url)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            action(cfg, revision)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def test_upgrade_to_head_then_downgrade_to_base_then_upgrade_again(database_url: str) -> None:
    _run(database_url, command.upgrade, "head")
    assert _tables(database_url) == APP_TABLES
    _run(database_url, command.downgrade, "base")
    assert _tables(database_url) == set()
    assert _current(database_url) is None
    _run(database_url, command.upgrade, "head")
    assert _tables(database_url) == APP_TABLES


def test_every_revision_downgrades_to_its_predecessor(database_url: str) -> None:
    """Step up one revision at a time, and check that each step can be undone and redone."""
    script = ScriptDirectory.from_config(alembic_config(database_url))
    revisions = list(reversed(list(script.walk_revisions("base", "heads"))))
    assert revisions, "no migration found under storage/migrations/versions"
    for revision in revisions:
        _run(database_url, command.upgrade, revision.revision)
        _run(database_url, command.downgrade, revision.down_revision or "base")
        assert _current(database_url) == revision.down_revision
        _run(database_url, command.upgrade, revision.revision)
        assert _current(database_url) == revision.revision


def test_the_models_and_the_migrations_describe_the_same_schema(database_url: str) -> None:
    """A model changed without its migration (or the reverse) fails here: autogenerate finds no diff."""
    database = Database(database_url)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
    finally:
        database.dispose()
    assert diff == [], f"run `alembic revision --autogenerate` (see the brief): {diff}"


def test_opening_a_database_migrates_it_to_head(database_url: str) -> None:
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    Database(database_url).dispose()
    assert _current(database_url) == head


OPEN = "import sys; from storage.db import Database; Database(sys.argv[1]).dispose()"


def test_processes_opening_a_new_database_at_once_migrate_it_once(database_url: str) -> None:
    """Crawlers of a distributed crawl start together on a new database: one migrates, none fails."""
    import subprocess
    import sys
    from pathlib import Path

    openers = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, database_url], cwd=Path(__file__).parents[2], stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    errors = [opener.communicate(timeout=120)[1] for opener in openers]
    assert [opener.returncode for opener in openers] == [0, 0, 0], errors
    assert _tables(database_url) == APP_TABLES
