"""Hits for alert tests, written straight into the database (no crawler, no detector), and their
findings built as the analysis builds them (a document without stored text is one finding)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import select

from nlp.findings import update_document_findings
from notify.outbox import FINDING_LOADED, Told
from storage.db import Database
from storage.models import Document, Finding, Hit, Source, Subscription

_numbers = itertools.count(1)

BELLERIVE = {
    "id": "fr-bellerive",
    "name": "Ville de Bellerive-sur-Ondine",
    "country": "FR",
    "official_code": "insee:13999, siren:211300000",
}


def add_subscription(db: Database, name: str, urls: list[str], **fields: Any) -> int:
    """A subscription created a minute ago, so that hits added now are owed to it."""
    fields.setdefault("created_at", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    with db.session() as session:
        sub = Subscription(name=name, urls=urls, **fields)
        session.add(sub)
        session.flush()
        return sub.id


def add_hit(
    db: Database,
    *,
    source: dict[str, Any] | None = None,
    title: str = "Ordre du jour du conseil municipal",
    kind: str = "agenda",
    meeting_date: dt.date | None = None,
    url: str | None = None,
    page: int = 3,
    category: str = "video_surveillance",
    vendor: str | None = None,
    matched: str = "caméras de vidéoprotection",
    snippet: str = "Le conseil approuve l'installation de caméras de vidéoprotection place du Marché.",
    score: float = 0.9,
    content_hash: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """One hit in the document at ``url`` (a new one by default) of ``source``, with its finding
    updated; returns the hit's id."""
    number = next(_numbers)
    source = {**BELLERIVE, **(source or {})}
    with db.session() as session:
        row = session.get(Source, source["id"]) or Source(platform="html", url="https://bellerive.example/", **source)
        url = url or f"https://bellerive.example/conseil/{number}.pdf"
        document = session.scalar(
            select(Document).where(Document.source_id == row.id, Document.url == url)
        ) or Document(
            source=row,
            url=url,
            kind=kind,
            title=title,
            meeting_date=meeting_date,
            content_hash=content_hash or f"{number:064x}",
            status="analysed",
            extra={},
        )
        hit = Hit(
            document=document,
            fingerprint=f"{number:064x}",
            kind="vendor" if vendor else "technology",
            category=category,
            vendor=vendor,
            matched=matched,
            page=page,
            start=0,
            end=len(matched),
            snippet=snippet,
            score=score,
            lexicon_version="test",
            details=details or {},
        )
        session.add(hit)
        session.flush()
        update_document_findings(session, document, [])
        return hit.id


def finding_of(db: Database, hit_id: int) -> int:
    """The id of the finding a hit stands in."""
    with db.session() as session:
        return session.get(Hit, hit_id).finding_id


def told(db: Database) -> list[Told]:
    """Every finding, as a message would tell it for the first time (loaded for rendering)."""
    with db.session() as session:
        findings = session.scalars(select(Finding).options(*FINDING_LOADED).order_by(Finding.id)).unique()
        return [Told(finding, ["new"]) for finding in findings]
