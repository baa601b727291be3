"""The archive pipeline records downloaded documents in batches, and loses none to a bad one."""

from __future__ import annotations

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from spiders import pipelines
from spiders.items import DocumentItem
from spiders.pipelines import ArchivePipeline
from storage.blobs import BlobStore
from storage.models import Document, Source


@pytest.fixture
def pipeline(db, data_dir):
    with db.session() as session:
        session.add(Source(id="ville", name="Ville", country="FR", platform="html", url="https://ville.example/"))
    return ArchivePipeline(db, BlobStore(data_dir / "files"), MemoryStatsCollector(get_crawler()))


def _pdf(number: int, source_id: str = "ville") -> DocumentItem:
    return DocumentItem(
        source_id=source_id,
        url=f"https://ville.example/deliberations/{number}.pdf",
        body=b"%%PDF-1.4 deliberation %d" % number,
        media_type="application/pdf",
    )


def _stored_urls(db) -> list[str]:
    with db.session() as session:
        return sorted(session.scalars(select(Document.url)))


def test_documents_wait_for_their_batch_and_are_recorded_when_the_spider_closes(pipeline, db):
    for number in range(3):
        pipeline.process_item(_pdf(number))

    assert _stored_urls(db) == []
    pipeline.close_spider()

    assert len(_stored_urls(db)) == 3
    assert pipeline.stats.get_value("vigie/documents_new") == 3


def test_a_full_batch_is_recorded_at_once(pipeline, db, monkeypatch):
    monkeypatch.setattr(pipelines, "BATCH", 2)

    pipeline.process_item(_pdf(1))
    pipeline.process_item(_pdf(2))

    assert len(_stored_urls(db)) == 2


def test_the_same_document_twice_in_a_batch_is_one_row(pipeline, db):
    pipeline.process_item(_pdf(1))
    pipeline.process_item(_pdf(1))
    pipeline.close_spider()

    assert len(_stored_urls(db)) == 1
    assert pipeline.stats.get_value("vigie/documents_new") == 1
    assert pipeline.stats.get_value("vigie/documents_unchanged") == 1


def test_a_document_that_cannot_be_recorded_does_not_take_its_batch_down(pipeline, db):
    pipeline.process_item(_pdf(1))
    pipeline.process_item(_pdf(2, source_id="removed-meanwhile"))  # no such source: its row is refused
    pipeline.process_item(_pdf(3))
    pipeline.close_spider()

    assert _stored_urls(db) == [
        "https://ville.example/deliberations/1.pdf",
        "https://ville.example/deliberations/3.pdf",
    ]
    assert pipeline.stats.get_value("vigie/documents_new") == 2
