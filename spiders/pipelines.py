"""Item pipelines: archive each downloaded file and record its document in the database."""

from __future__ import annotations

from pathlib import Path

from scrapy.exceptions import NotConfigured
from sqlalchemy import select

from spiders.items import DocumentItem
from storage.blobs import BlobStore, sha256
from storage.db import Database, shared_database
from storage.models import Document, Source, utcnow
from storage.states import DocumentStatus

_METADATA = ("kind", "title", "meeting_date", "adoption_date", "published_date", "acte_id", "votes")


class ArchivePipeline:
    """Stores every file once under ``<data>/files`` and upserts its ``documents`` row.

    A document whose content did not change is only marked as checked: it is neither
    stored nor analysed again. Stats: ``vigie/documents_{new,changed,unchanged,failed,skipped,blocked}``.
    """

    def __init__(self, db: Database, blobs: BlobStore, stats) -> None:
        self.db = db
        self.blobs = blobs
        self.stats = stats
        self.languages: dict[str, str] = {}  # by source id: asked once, not for each new document

    @classmethod
    def from_crawler(cls, crawler):
        url = crawler.settings.get("VIGIE_DATABASE_URL")
        if not url:
            raise NotConfigured("VIGIE_DATABASE_URL setting must be set to record documents")
        blobs = BlobStore(Path(crawler.settings.get("VIGIE_DATA_DIR", "./data")) / "files")
        return cls(shared_database(url), blobs, crawler.stats)

    def process_item(self, item: DocumentItem, spider=None) -> DocumentItem:
        outcome = self.record(item)
        self.stats.inc_value(f"vigie/documents_{outcome}")
        return item

    def record(self, item: DocumentItem) -> str:
        """Record one item in its own transaction; returns new, changed, unchanged, failed, skipped
        or blocked."""
        now = utcnow()
        with self.db.session() as session:
            doc = session.scalar(select(Document).where(Document.source_id == item.source_id, Document.url == item.url))
            if doc is None:
                if item.source_id not in self.languages:
                    self.languages[item.source_id] = (
                        session.scalar(select(Source.language).where(Source.id == item.source_id)) or "fr"
                    )
                doc = Document(
                    source_id=item.source_id, url=item.url, language=self.languages[item.source_id], extra={}
                )
                session.add(doc)
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
            self.blobs.put(data)
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
