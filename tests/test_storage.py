"""Storage: the archive of files and the database's conventions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from storage.blobs import BlobStore, sha256
from storage.models import Document, Source


def test_a_file_is_archived_once_under_its_hash(tmp_path):
    store = BlobStore(tmp_path)
    digest = store.put(b"%PDF-1.7 deliberation")
    assert store.put(b"%PDF-1.7 deliberation") == digest == sha256(b"%PDF-1.7 deliberation")
    assert store.get(digest) == b"%PDF-1.7 deliberation"
    assert len(list(tmp_path.rglob("*"))) == 3  # two folder levels and one file: no temporary left


def add_source(session, source_id="s1"):
    session.add(Source(id=source_id, name="Ville", country="FR", platform="html", url="https://example.org/", config={}))


def test_times_come_back_aware_and_in_utc(db):
    paris = dt.timezone(dt.timedelta(hours=1))
    with db.session() as session:
        add_source(session)
        session.add(Document(source_id="s1", url="u", extra={}, last_checked_at=dt.datetime(2026, 3, 1, 12, tzinfo=paris)))
    with db.session() as session:
        doc = session.query(Document).one()
    assert doc.last_checked_at == dt.datetime(2026, 3, 1, 11, tzinfo=dt.timezone.utc)
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
    opened = subprocess.run([sys.executable, "-c", OPEN, database_url], capture_output=True, text=True,
                            cwd=Path(__file__).parents[1], timeout=60)
    assert (opened.returncode, opened.stdout.strip()) == (0, "False"), opened.stderr
