"""Rows for the site's tests, inserted directly: the site reads the database, whatever wrote it.

The site must not depend on how the crawler and the detector work, so these helpers write
Source, Document, Hit and SourceRun rows as those components would, with a fixed clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from sqlalchemy.orm import Session

from nlp.findings import update_document_findings
from storage.models import Document, Hit, Source, SourceRun

UTC = dt.UTC
TODAY = dt.date(2025, 3, 10)  # the tests' "today": meetings after it are still ahead
NOW = dt.datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
_counter = itertools.count(1)


def add_source(
    session: Session,
    source_id: str = "fr-lyon",
    name: str = "Ville de Lyon",
    url: str = "https://www.lyon.fr/deliberations",
    **fields,
) -> Source:
    source = Source(
        id=source_id,
        name=name,
        country="FR",
        platform="html",
        url=url,
        config={},
        created_at=fields.pop("created_at", NOW - dt.timedelta(days=90)),
        **fields,
    )
    session.add(source)
    session.flush()
    return source


def add_document(
    session: Session,
    source: Source,
    url: str | None = None,
    *,
    title: str = "Délibération",
    kind: str = "deliberation",
    meeting_date: dt.date | None = dt.date(2025, 2, 3),
    content_hash: str | None = None,
    **fields,
) -> Document:
    number = next(_counter)
    url = url or f"https://www.lyon.fr/files/deliberation-{number}.pdf"
    document = Document(
        source_id=source.id,
        url=url,
        title=title,
        kind=kind,
        meeting_date=meeting_date,
        status="analysed",
        media_type="application/pdf",
        extra={},
        content_hash=content_hash or hashlib.sha256(url.encode()).hexdigest(),
        **fields,
    )
    session.add(document)
    session.flush()
    return document


def add_hit(
    session: Session,
    document: Document,
    matched: str = "vidéoprotection",
    *,
    snippet: str | None = None,
    category: str = "video_surveillance",
    kind: str = "technology",
    vendor: str | None = None,
    page: int = 1,
    created_at: dt.datetime = NOW,
    **fields,
) -> Hit:
    """A hit, with the finding of its document updated as the analysis does (a document without
    stored text is one finding), dated ``created_at``."""
    snippet = snippet if snippet is not None else f"Le conseil approuve l'extension du système de {matched} urbaine."
    start = max(snippet.lower().find(matched.lower()), 0)
    fingerprint = hashlib.sha256(f"{kind}|{category}|{vendor}|{matched}|{page}|{snippet}".encode()).hexdigest()
    hit = Hit(
        document_id=document.id,
        fingerprint=fingerprint,
        kind=kind,
        category=category,
        vendor=vendor,
        matched=matched,
        page=page,
        start=start,
        end=start + len(matched),
        snippet=snippet,
        score=0.9,
        lexicon_version="test-1",
        details={},
        created_at=created_at,
        **fields,
    )
    session.add(hit)
    session.flush()
    update_document_findings(session, document, [], now=created_at)
    return hit


def add_source_run(
    session: Session,
    source: Source,
    status: str = "ok",
    *,
    started_at: dt.datetime = NOW,
    documents_new: int = 0,
    error: str | None = None,
) -> SourceRun:
    run = SourceRun(
        source_id=source.id,
        started_at=started_at,
        finished_at=started_at + dt.timedelta(minutes=2),
        status=status,
        documents_new=documents_new,
        error=error,
    )
    session.add(run)
    session.flush()
    return run
