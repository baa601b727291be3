"""Item pipelines: archive each downloaded file and record its document in the database."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from scrapy.exceptions import NotConfigured
from sqlalchemy import select
from sqlalchemy.orm import Session
from twisted.internet import task

from spiders.items import DocumentItem
from storage.blobs import BlobStore, sha256
from storage.db import Database, shared_database
from storage.models import Document, Source, utcnow
from storage.states import DocumentStatus

log = logging.getLogger(__name__)

_METADATA = ("kind", "title", "meeting_date", "adoption_date", "published_date", "acte_id", "votes")
# Documents are recorded together, in one transaction, this many at a time (or as many as hold
# BATCH_BYTES of files: a crawl's memory must not grow with its files' sizes), and none waits longer
# than BATCH_S: a transaction per document was a third of the crawl's work (on SQLite, each one
# also takes the database's write lock from the analysis workers).
BATCH = 50
BATCH_BYTES = 16 * 1024 * 1024
BATCH_S = 1.0


class ArchivePipeline:
    """Stores every file once under ``<data>/files`` and upserts its ``documents`` row.

    A document whose content did not change is only marked as checked: it is neither
    stored nor analysed again. Stats: ``vigie/documents_{new,changed,unchanged,failed,skipped,blocked}``,
    counted as the documents are recorded (by :data:`BATCH`, and at the latest every
    :data:`BATCH_S` seconds and when the spider closes). A document recorded nowhere because the
    crawl process was killed is downloaded again by the next run.
    """

    def __init__(self, db: Database, blobs: BlobStore, stats) -> None:
        self.db = db
        self.blobs = blobs
        self.stats = stats
        self.languages: dict[str, str] = {}  # by source id: asked once, not for each new document
        self.waiting: list[DocumentItem] = []
        self.waiting_bytes = 0
        self.flushing: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        url = crawler.settings.get("VIGIE_DATABASE_URL")
        if not url:
            raise NotConfigured("VIGIE_DATABASE_URL setting must be set to record documents")
        blobs = BlobStore(Path(crawler.settings.get("VIGIE_DATA_DIR", "./data")) / "files")
        return cls(shared_database(url), blobs, crawler.stats)

    def open_spider(self, spider=None) -> None:
        self.flushing = task.LoopingCall(self.flush)
        self.flushing.start(BATCH_S, now=False)

    def close_spider(self, spider=None) -> None:
        if self.flushing is not None and self.flushing.running:
            self.flushing.stop()
        self.flush()

    def process_item(self, item: DocumentItem, spider=None) -> DocumentItem:
        self.waiting.append(item)
        self.waiting_bytes += len(item.body or b"") + len(item.text or "")
        if len(self.waiting) >= BATCH or self.waiting_bytes >= BATCH_BYTES:
            self.flush()
        return item

    def flush(self) -> None:
        """Record the documents waiting, together; if that fails, each alone (one bad row must not
        take the others down with it)."""
        items, self.waiting, self.waiting_bytes = self.waiting, [], 0
        if not items:
            return
        started = time.monotonic()
        try:
            with self.db.session() as session:
                known = self._documents(session, items)
                outcomes = [self.record(session, item, known) for item in items]
        except Exception:
            log.warning("%d documents could not be recorded together; recording each alone", len(items), exc_info=True)
            outcomes = [self._record_alone(item) for item in items]
        for outcome in outcomes:
            if outcome is not None:
                self.stats.inc_value(f"vigie/documents_{outcome}")
        log.debug("%d documents recorded in %.3f s", len(items), time.monotonic() - started)

    def _record_alone(self, item: DocumentItem) -> str | None:
        try:
            with self.db.session() as session:
                return self.record(session, item, self._documents(session, [item]))
        except Exception:
            log.exception("%s: the document could not be recorded (it is downloaded again next run)", item.url)
            return None

    @staticmethod
    def _documents(session: Session, items: list[DocumentItem]) -> dict[tuple[str, str], Document]:
        """The stored documents of ``items``, by (source id, URL)."""
        query = select(Document).where(
            Document.source_id.in_({i.source_id for i in items}), Document.url.in_({i.url for i in items})
        )
        return {(doc.source_id, doc.url): doc for doc in session.scalars(query)}

    def record(self, session: Session, item: DocumentItem, known: dict[tuple[str, str], Document]) -> str:
        """Record one item in ``session``; returns new, changed, unchanged, failed, skipped or blocked.
        ``known``: the stored documents by (source id, URL), to which a new one is added."""
        now = utcnow()
        doc = known.get((item.source_id, item.url))
        if doc is None:
            if item.source_id not in self.languages:
                self.languages[item.source_id] = (
                    session.scalar(select(Source.language).where(Source.id == item.source_id)) or "fr"
                )
            doc = Document(source_id=item.source_id, url=item.url, language=self.languages[item.source_id], extra={})
            session.add(doc)
            known[item.source_id, item.url] = doc
        had_content = doc.content_hash is not None
        if item.error or item.skipped or item.blocked:
            doc.last_checked_at = now
            outcome = (
                DocumentStatus.BLOCKED
                if item.blocked
                else DocumentStatus.SKIPPED
                if item.skipped
                else DocumentStatus.FAILED
            )
            if had_content:
                # Keep the archived copy and its analysis: a council taking a file down, or
                # a passing outage, must not erase the evidence.
                doc.extra = {**(doc.extra or {}), "last_error": item.error}
                return outcome
            self._apply_metadata(doc, item)
            doc.status, doc.error = outcome, item.error
            return outcome
        if item.not_modified:
            doc.last_checked_at = now
            return "unchanged"

        data = item.body if item.body is not None else (item.text or "").encode("utf-8")
        media_type = item.media_type if item.body is not None else "text/plain; charset=utf-8"
        digest = sha256(data)
        doc.last_checked_at = now
        doc.etag, doc.last_modified = item.etag, item.last_modified
        self._apply_metadata(doc, item)
        if digest == doc.content_hash:
            return "unchanged"
        self.blobs.put(data, digest)
        doc.content_hash, doc.size, doc.media_type = digest, len(data), media_type
        doc.status, doc.error, doc.changed_at = DocumentStatus.PENDING, None, now
        return "changed" if had_content else "new"

    @staticmethod
    def _apply_metadata(doc: Document, item: DocumentItem) -> None:
        for name in _METADATA:
            value = getattr(item, name)
            if value is not None and not (name == "kind" and value == "other" and doc.kind != "other"):
                setattr(doc, name, value)
        if item.extra:
            doc.extra = {**(doc.extra or {}), **item.extra}
