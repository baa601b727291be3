"""storage.queue.claim: several workers drain one queue, and no row is ever worked on twice."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from storage.db import Database
from storage.models import Delivery, Document, Hit, Source, Subscription
from storage.queue import claim, worker_name
from tests.ops.servers import postgres_database_url

PENDING = select(Document.id).where(Document.status == "pending").order_by(Document.id)


def add_pending_documents(db: Database, count: int) -> list[int]:
    with db.session() as session:
        session.add(Source(id="ville", name="Ville", country="FR", platform="html", url="http://127.0.0.1/"))
        docs = [
            Document(source_id="ville", url=f"http://127.0.0.1/{n}.pdf", status="pending", extra={})
            for n in range(count)
        ]
        session.add_all(docs)
        session.flush()
        return [d.id for d in docs]


def drain(db: Database, done: list[int]) -> None:
    """One worker: claim a document, mark it analysed, commit; until none is pending."""
    while True:
        with db.session() as session:
            ids = claim(session, Document, PENDING, limit=1)
            if not ids:
                return
            session.get(Document, ids[0]).status = "analysed"
            done.extend(ids)


@pytest.mark.parametrize("workers", [1, 4])
def test_workers_draining_one_queue_take_every_row_exactly_once(db: Database, workers: int) -> None:
    expected = add_pending_documents(db, 60)
    done: list[int] = []
    threads = [threading.Thread(target=drain, args=(db, done)) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [i for i, n in Counter(done).items() if n > 1] == []
    assert sorted(done) == expected


def test_on_postgresql_a_second_worker_skips_the_rows_the_first_holds(tmp_path: Path) -> None:
    with postgres_database_url() as url:
        db = Database(url)
        try:
            ids = add_pending_documents(db, 4)
            with db.session() as first:
                assert claim(first, Document, PENDING, limit=2) == ids[:2]
                with db.session() as second:  # another connection, while the first still holds its rows
                    assert claim(second, Document, PENDING, limit=2) == ids[2:]
        finally:
            db.dispose()


def test_on_sqlite_a_second_worker_cannot_claim_while_the_first_holds_the_write_lock(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    try:
        add_pending_documents(db, 4)
        with db.session() as first:
            claim(first, Document, PENDING, limit=2)
            with db.session() as second:
                second.execute(text("PRAGMA busy_timeout=0"))  # fail at once instead of waiting 30 s
                with pytest.raises(OperationalError, match="database is locked"):
                    claim(second, Document, PENDING, limit=2)
    finally:
        db.dispose()


def test_a_worker_name_stamps_the_lease_columns_of_a_model_that_has_them(db: Database) -> None:
    add_pending_documents(db, 1)
    with db.session() as session:
        doc_id = session.scalar(select(Document.id))
        hit = Hit(
            document_id=doc_id,
            fingerprint="f" * 64,
            kind="technology",
            category="videosurveillance",
            matched="caméras",
            page=1,
            start=0,
            end=7,
            snippet="caméras",
            score=1.0,
            lexicon_version="1",
            details={},
        )
        sub = Subscription(name="collectif", urls=["json://127.0.0.1:9/"], tags=[], filters={})
        session.add_all([hit, sub])
        session.flush()
        session.add(Delivery(subscription_id=sub.id, hit_id=hit.id))
    me = worker_name()
    with db.session() as session:
        ids = claim(session, Delivery, select(Delivery.id).where(Delivery.status == "pending"), worker=me)
    with db.session() as session:
        delivery = session.get(Delivery, ids[0])
        assert (delivery.claimed_by, delivery.claimed_at is not None) == (me, True)
