"""The item every platform spider yields: one document (or one failure to get it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from storage.untrusted import one_line


@dataclass
class DocumentItem:
    """A document found by a spider.

    Exactly one of these holds: ``body`` (the downloaded file), ``text`` (a record with no
    file, such as an SCDL row without a PDF link), ``not_modified`` (the server answered 304),
    ``error`` (download failed), ``skipped`` (deliberately not fetched; the reason in ``error``)
    or ``blocked`` (the site's robots.txt forbids it; the reason in ``error``).
    """

    source_id: str
    url: str
    kind: str = "other"
    title: str | None = None
    meeting_date: dt.date | None = None
    adoption_date: dt.date | None = None
    published_date: dt.date | None = None
    body: bytes | None = None
    text: str | None = None
    media_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    skipped: bool = False
    blocked: bool = False
    error: str | None = None
    acte_id: str | None = None
    votes: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A title comes from a link text, a file name or a server's header: terminal escapes and
        # bidirectional overrides hidden in it must not reach listings, alerts or the site.
        self.title = one_line(self.title) or None

    def __repr__(self) -> str:  # keep bodies out of Scrapy's logs
        state = "error" if self.error else "body" if self.body is not None else "text" if self.text else "304"
        return f"<DocumentItem {self.source_id} {self.url} {state}>"
