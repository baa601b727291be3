"""What the site shows, read from the database in a few queries: councils, documents, hits.

Read-only: building the site never writes to the database. Every string that comes from a
council goes through ``clean_text`` (no control or bidirectional characters, one line), and every
link through ``safe_href`` (http and https only); escaping is the templates' autoescape (HTML and
Atom) and ``ical.py``'s job (iCalendar).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

# The alerts' own rules, so that an alert and the site never disagree: what counts as a vote
# ahead, the order documents are read in, how a quote is cut around its match, where the
# archived copy is.
from notify.context import archive_url, document_title, highlight, reading_order, vote_date
from notify.labels import Labels
from notify.sanitize import clean_text, safe_href, trim, with_page
from notify.site import layout
from storage.models import Document, Hit, Source, SourceRun

ERROR_LENGTH = 300  # a crawl error is a diagnosis for maintainers: the site shows its start


@dataclass
class Health:
    """The last crawl of a source (from ``source_runs``) and its last successful one."""

    last_at: dt.datetime | None = None
    status: str | None = None  # ok, empty, failed
    new_documents: int = 0
    error: str = ""
    last_ok_at: dt.datetime | None = None


@dataclass(eq=False)
class CouncilView:
    id: str
    name: str
    url: str
    created_at: dt.datetime
    health: Health = field(default_factory=Health)
    documents: list[DocumentView] = field(default_factory=list)

    @property
    def path(self) -> str:
        return layout.council_page(self.id)

    @property
    def hits(self) -> list[HitView]:
        return [h for d in self.documents for h in d.hits]


@dataclass(eq=False)
class DocumentView:
    id: int
    title: str
    kind: str
    kind_label: str
    meeting_date: dt.date | None
    vote_date: dt.date | None  # the meeting date, when the vote is still ahead
    url: str  # "" when the scraped URL is not an http(s) link
    archive_url: str
    council: CouncilView
    hits: list[HitView] = field(default_factory=list)

    @property
    def path(self) -> str:
        return layout.document_page(self.id)

    @property
    def updated(self) -> dt.datetime:
        return max(h.created_at for h in self.hits)

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(h.label for h in self.hits))


@dataclass(eq=False)
class HitView:
    id: int
    entry_id: str
    category: str
    label: str  # the category's words, with the vendor's name for a vendor
    matched: str
    before: str
    match: str
    after: str
    page: int
    start: int
    page_url: str
    archive_url: str
    created_at: dt.datetime
    document: DocumentView

    @property
    def anchor(self) -> str:
        return f"hit-{self.id}"


@dataclass(eq=False)
class CategoryView:
    id: str
    label: str
    hits: list[HitView] = field(default_factory=list)

    @property
    def path(self) -> str:
        return layout.category_page(self.id)


@dataclass
class SiteContent:
    """Everything the pages and feeds show, in display order."""

    councils: list[CouncilView]  # by name
    documents: list[DocumentView]
    hits: list[HitView]  # newest first
    categories: list[CategoryView]  # by label
    upcoming: list[DocumentView]  # votes ahead, soonest first
    updated: dt.datetime  # the newest hit or source: a date that only moves when the content does


def _label(hit: Hit, labels: Labels, language: str) -> str:
    label = labels.category(hit.category, language)
    vendor = clean_text(hit.vendor)
    return f"{label} — {vendor}" if vendor else label


def _document(doc: Document, council: CouncilView, labels: Labels, language: str, public_url: str,
              today: dt.date) -> DocumentView:
    return DocumentView(
        id=doc.id, title=document_title(doc),
        kind=doc.kind, kind_label=labels.kind(doc.kind, language), meeting_date=doc.meeting_date,
        vote_date=vote_date(doc, today), url=safe_href(doc.url), archive_url=archive_url(public_url, doc.content_hash),
        council=council)


def _hit(hit: Hit, doc: Document, view: DocumentView, labels: Labels, language: str, public_url: str) -> HitView:
    before, match, after = highlight(hit.snippet, hit.matched)
    return HitView(
        id=hit.id, entry_id=layout.hit_id(doc.source_id, doc.url, hit.fingerprint), category=hit.category,
        label=_label(hit, labels, language), matched=clean_text(hit.matched), before=before, match=match,
        after=after, page=hit.page, start=hit.start, page_url=with_page(view.url, hit.page),
        archive_url=archive_url(public_url, doc.content_hash, hit.page), created_at=hit.created_at, document=view)


def _health(session: Session) -> dict[str, Health]:
    """Each source's last crawl and last successful crawl, in two grouped queries."""
    latest = (select(SourceRun.source_id, func.max(SourceRun.started_at).label("at"))
              .group_by(SourceRun.source_id).subquery())
    runs = session.scalars(select(SourceRun).join(latest, (SourceRun.source_id == latest.c.source_id)
                                                  & (SourceRun.started_at == latest.c.at)))
    health = {r.source_id: Health(last_at=r.finished_at or r.started_at, status=r.status,
                                  new_documents=r.documents_new, error=trim(clean_text(r.error), ERROR_LENGTH))
              for r in runs}
    last_ok = session.execute(select(SourceRun.source_id, func.max(SourceRun.finished_at))
                              .where(SourceRun.status == "ok").group_by(SourceRun.source_id))
    for source_id, finished_at in last_ok:
        health.setdefault(source_id, Health()).last_ok_at = finished_at
    return health


def _document_order(doc: DocumentView) -> tuple:
    return reading_order(doc.vote_date, doc.meeting_date, doc.id)


def load_content(session: Session, labels: Labels, language: str, public_url: str, today: dt.date) -> SiteContent:
    """Read the site's content: every source, and every document that has hits, with its hits."""
    health = _health(session)
    councils = {s.id: CouncilView(id=s.id, name=clean_text(s.name) or clean_text(s.id), url=safe_href(s.url),
                              created_at=s.created_at, health=health.get(s.id, Health()))
                for s in session.scalars(select(Source))}
    documents: dict[int, DocumentView] = {}
    categories: dict[str, CategoryView] = {}
    hits: list[HitView] = []
    query = select(Hit, Document).join(Document, Hit.document_id == Document.id).order_by(
        Hit.created_at.desc(), Hit.id.desc())
    for hit, doc in session.execute(query):
        if hit.retracted_by:
            continue
        view = documents.get(doc.id)
        if view is None:
            view = documents[doc.id] = _document(doc, councils[doc.source_id], labels, language, public_url, today)
            view.council.documents.append(view)
        entry = _hit(hit, doc, view, labels, language, public_url)
        view.hits.append(entry)
        hits.append(entry)
        categories.setdefault(hit.category, CategoryView(hit.category, labels.category(hit.category, language))) \
            .hits.append(entry)
    for view in documents.values():
        view.hits.sort(key=lambda h: (h.page, h.start, h.id))
    for council in councils.values():
        council.documents.sort(key=_document_order)
    ordered = sorted(documents.values(), key=_document_order)
    dates = [h.created_at for h in hits[:1]] + [c.created_at for c in councils.values()]
    return SiteContent(
        councils=sorted(councils.values(), key=lambda c: (c.name.casefold(), c.id)), documents=ordered, hits=hits,
        categories=sorted(categories.values(), key=lambda c: (c.label.casefold(), c.id)),
        upcoming=[d for d in ordered if d.vote_date],
        updated=max(dates, default=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)))
