"""Open the database: engine, sessions, SQLite tuning and automatic migrations."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed 64-bit number: the PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK_KEY = 0x76696769654D6967  # "vigieMig"


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while the crawler writes; NORMAL is durable across application
    # crashes (not power loss) and several times faster than FULL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class DatabaseUnavailable(Exception):
    """The database cannot be opened; the message says why (its URL shown without password)."""


# SQLite's companions of the database file: the write-ahead log, its index, the rollback journal.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _private_sqlite_file(path: Path) -> None:
    """Create the database file readable by its owner only, and make an older one so.

    It holds the channels' secrets (apprise URLs). SQLite gives its companion files the mode of
    the database file; those an older version left readable are closed too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Only when missing: closing a descriptor of a database file drops every POSIX lock this
        # process holds on it, those of its open SQLite connections too. Another process (an
        # analysis worker of `vigie run`) then took itself for the last user, checkpointed and
        # reset the write-ahead log, and this process's next commits were lost.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in [path, *(path.with_name(path.name + suffix) for suffix in SQLITE_COMPANIONS)]:
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except FileNotFoundError:
            pass


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite, create the file (private to its owner) and tune the connection.

    Statement parameters are never shown in errors: they carry channel URLs with their secrets.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            _private_sqlite_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True, json_deserializer=_json_loads)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, json_deserializer=_json_loads)


def _json_loads(value: str) -> Any:
    """``json.loads``, without its cost for the empty values most JSON columns hold (a finding's
    refresh reads the amounts, subsidies and vote of every one of its sightings: mostly none)."""
    if value == "[]":
        return []
    if value == "null":
        return None
    if value == "{}":
        return {}
    return json.loads(value)


def _lock_for_migration(connection: Connection) -> None:
    """Hold, until the transaction ends, the lock that one migrating process takes."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # The sqlite3 driver would run each DDL statement in its own transaction: open one that
        # holds the write lock, so the whole migration is atomic and a second migrator waits.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration's id, read from the files: importing Alembic costs most of a
    second, which every short `vigie` command would pay for nothing."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", source, re.M)
        down = re.search(r"^down_revision\s*=\s*['\"]([^'\"]+)['\"]", source, re.M)
        if revision:
            revisions.add(revision.group(1))
        if down:
            parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(
            f"{MIGRATIONS / 'versions'}: expected one head revision, found {sorted(heads)}; "
            "merge the branches with `alembic merge heads`"
        )
    return heads.pop()


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None for a new database."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(url: str) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class Database:
    """One database: an engine, a session factory and its migrations."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        """Open the database at ``url`` and migrate it; raises :class:`DatabaseUnavailable` when
        the URL is wrong, the server cannot be reached or the file cannot be created."""
        self.url = url
        try:
            self.engine = make_engine(url)
            self.sessions = sessionmaker(self.engine, expire_on_commit=False)
            if migrate:
                self.migrate()
        except ArgumentError as exc:
            raise DatabaseUnavailable(
                f"not a database URL SQLAlchemy can read ({exc}); e.g. postgresql+psycopg://user@host/db"
            ) from None
        except ModuleNotFoundError as exc:
            raise DatabaseUnavailable(
                f"the database driver {exc.name} is not installed: .venv/bin/pip install -e '.[postgres]'"
            ) from None
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create {exc.filename or 'the database file'}: {exc.strerror or exc}"
            ) from None
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise DatabaseUnavailable(f"cannot open {_shown(url)}: {reason}") from None

    def migrate(self) -> None:
        """Apply any migration the database lacks (a no-op when it is up to date)."""
        head = head_revision()
        with self.engine.connect() as connection:
            if current_revision(connection) == head:
                return
        from alembic import command

        cfg = alembic_config(self.url)
        with self.engine.begin() as connection:
            # Several processes may start on a new database at once (distributed crawlers): one
            # migrates, the others wait for it and then find the database at head.
            _lock_for_migration(connection)
            current = current_revision(connection)
            if current == head:
                return
            log.info("Migrating database %s from %s to %s", self.engine.url.render_as_string(), current, head)
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _shown(url: str) -> str:
    """``url`` without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the database"


_open: dict[str, Database] = {}


def shared_database(url: str) -> Database:
    """The process-wide Database for ``url``: Scrapy components of several crawlers share it."""
    if url not in _open:
        _open[url] = Database(url)
    return _open[url]
