"""What the database already holds for a source, so that a re-crawl downloads only what changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from storage.db import Database
from storage.models import Document, utcnow
from storage.states import DocumentStatus

# Documents asked for again at every crawl: a failure may pass, a refusal be lifted (a blocked
# document costs no request while robots.txt still forbids it). A skipped one (not a document
# after all, an address out of reach) waits for the recheck delay, like a stored one: a page of
# "Download" links to photos must not be downloaded again at every crawl.
UNSETTLED = (DocumentStatus.FAILED, DocumentStatus.BLOCKED)


@dataclass(frozen=True)
class Known:
    status: str
    etag: str | None
    last_modified: str | None
    last_checked_at: dt.datetime | None


class KnownDocuments:
    """The stored documents of one source, loaded once when its spider opens."""

    def __init__(self, by_url: dict[str, Known], recheck_after: dt.timedelta) -> None:
        self.by_url = by_url
        self.recheck_after = recheck_after

    @classmethod
    def load(cls, db: Database, source_id: str, recheck_after_days: float) -> KnownDocuments:
        with db.session() as session:
            rows = session.execute(
                select(
                    Document.url, Document.status, Document.etag, Document.last_modified, Document.last_checked_at
                ).where(Document.source_id == source_id)
            ).all()
        return cls(
            {r.url: Known(r.status, r.etag, r.last_modified, r.last_checked_at) for r in rows},
            dt.timedelta(days=recheck_after_days),
        )

    def is_fresh(self, url: str) -> bool:
        """True when the document is stored and was checked recently: no need to request it."""
        known = self.by_url.get(url)
        if known is None or known.status in UNSETTLED or known.last_checked_at is None:
            return False
        return utcnow() - known.last_checked_at < self.recheck_after

    def failed_urls(self) -> list[str]:
        """The documents whose last download failed."""
        return [url for url, known in self.by_url.items() if known.status == DocumentStatus.FAILED]

    def conditional_headers(self, url: str) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` for a stored document, so that the server may answer 304."""
        known = self.by_url.get(url)
        if known is None or known.status in (*UNSETTLED, DocumentStatus.SKIPPED):
            return {}
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers
