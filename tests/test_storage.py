"""Storage: the archive of files and the database's conventions."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from storage.blobs import BlobStore, sha256
from storage.models import Document, Source


def test_a_file_is_archived_once_under_its_hash(tmp_path):
    store = BlobStore(tmp_path)
    digest = store.put(b"%PDF-1.7 deliberation")
    assert store.put(b"%PDF-1.7 deliberation") == digest == sha256(b"%PDF-1.7 deliberation")
    assert store.get(digest) == b"%PDF-1.7 deliberation"
    assert len(list(tmp_path.rglob("*"))) == 3  # two folder levels and one file: no temporary left


def add_source(session, source_id="s1"):
    session.add(
        Source(id=source_id, name="Ville", country="FR", platform="html", url="https://example.org/", config={})
    )


def test_times_come_back_aware_and_in_utc(db):
    paris = dt.timezone(dt.timedelta(hours=1))
    with db.session() as session:
        add_source(session)
        session.add(
            Document(source_id="s1", url="u", extra={}, last_checked_at=dt.datetime(2026, 3, 1, 12, tzinfo=paris))
        )
    with db.session() as session:
        doc = session.query(Document).one()
    assert doc.last_checked_at == dt.datetime(2026, 3, 1, 11, tzinfo=dt.UTC)
    assert doc.first_seen_at.tzinfo is not None


def test_a_naive_time_is_refused(db):
    with pytest.raises(StatementError, match="naive datetime"):
        with db.session() as session:
            add_source(session)
            session.add(Document(source_id="s1", url="u", extra={}, last_checked_at=dt.datetime(2026, 3, 1)))


def test_a_url_is_stored_once_per_source(db):
    with pytest.raises(IntegrityError):
        with db.session() as session:
            add_source(session)
            session.add_all([Document(source_id="s1", url="u", extra={}), Document(source_id="s1", url="u", extra={})])


def test_sqlite_runs_in_wal_mode(tmp_path):
    # Its own SQLite file, whatever database the suite runs on: this is about the default store.
    from storage.db import Database

    db = Database(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()


def test_the_head_revision_read_from_the_files_is_alembics(database_url):
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


OPEN = "import sys; from storage.db import Database; Database(sys.argv[1]).dispose(); print('alembic' in sys.modules)"


def test_opening_an_up_to_date_database_does_not_even_load_alembic(db, database_url):
    # Every `vigie` command opens the database: Alembic costs most of a second to import.
    import subprocess
    import sys
    from pathlib import Path

    from storage.db import current_revision, head_revision

    with db.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    opened = subprocess.run(
        [sys.executable, "-c", OPEN, database_url],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        timeout=60,
    )
    assert (opened.returncode, opened.stdout.strip()) == (0, "False"), opened.stderr


@pytest.fixture
def umask_022():
    """The usual umask, under which files are created readable by every local user."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(folder) -> dict[str, str]:
    return {path.name: oct(path.stat().st_mode & 0o777) for path in sorted(folder.glob("vigie.sqlite3*"))}


def test_the_sqlite_database_and_its_companions_are_readable_by_their_owner_only(tmp_path, umask_022):
    # The database holds the channels' apprise URLs, passwords and tokens included.
    from storage.db import Database

    db = Database(f"sqlite:///{tmp_path / 'data' / 'vigie.sqlite3'}")
    with db.session() as session:
        add_source(session)
        assert modes(tmp_path / "data") == {
            name: "0o600" for name in ("vigie.sqlite3", "vigie.sqlite3-shm", "vigie.sqlite3-wal")
        }
    db.dispose()


def test_files_an_older_version_left_readable_are_made_private(tmp_path, umask_022):
    from storage.db import Database

    for name in ("vigie.sqlite3", "vigie.sqlite3-journal"):
        (tmp_path / name).touch(mode=0o644)
    Database(f"sqlite:///{tmp_path / 'vigie.sqlite3'}").dispose()
    assert set(modes(tmp_path).values()) == {"0o600"}


def refuse_subscriptions(db) -> None:
    """Make the database refuse to store a subscription, as a full disk would."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON subscriptions "
                "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
            )
        else:
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'database or disk is full'; END $$ LANGUAGE plpgsql"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON subscriptions FOR EACH ROW EXECUTE FUNCTION refuse()"
            )


SECRET_URL = "mailtos://alerte:S3cr3t-Pass@smtp.example.org?to=groupe@example.org"


def test_a_database_error_never_shows_the_statement_s_parameters(db):
    from storage.models import Subscription

    refuse_subscriptions(db)
    with pytest.raises(DBAPIError) as error:
        with db.session() as session:
            session.add(Subscription(name="groupe", urls=[SECRET_URL]))
    assert "S3cr3t-Pass" not in str(error.value) and "parameters hidden" in str(error.value)


def test_a_failing_subscription_add_never_prints_the_smtp_password(db, run_vigie):
    refuse_subscriptions(db)

    result = run_vigie("subscription", "add", "groupe", "--url", SECRET_URL)

    assert result.returncode == 1
    assert "S3cr3t-Pass" not in result.stdout + result.stderr
    assert result.stderr.strip().endswith("database or disk is full") and "Traceback" not in result.stderr
