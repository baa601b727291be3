"""What the site shows, read from the database in a few queries: councils, findings, documents, hits.

Read-only: building the site never writes to the database. Every string that comes from a
council goes through ``clean_text`` (no control or bidirectional characters, one line), and every
link through ``safe_href`` (http and https only); escaping is the templates' autoescape (HTML and
Atom) and ``ical.py``'s job (iCalendar).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

# The alerts' own rules, so that an alert and the site never disagree: what counts as a vote
# ahead, the order documents are read in, how a quote is cut around its match, where the
# archived copy is.
from notify.facts import archive_url, document_title, finding_facts, highlight, reading_order
from notify.labels import Labels
from notify.outbox import FINDING_LOADED
from notify.sanitize import clean_text, safe_href, with_page
from notify.site import layout
from notify.site.failures import failure_kind
from storage.models import Document, Finding, Hit, Source, SourceRun
from storage.states import DocumentStatus, FindingStatus, RunStatus


@dataclass
class Health:
    """The last crawl of a source (from ``source_runs``) and its last successful one."""

    last_at: dt.datetime | None = None
    status: str | None = None  # ok, empty, failed
    new_documents: int = 0
    # The kind of failure ("download_failed", "not_a_pdf", "resource_limit"…), never its text: an
    # error message quotes what a council's server sent, which the public site does not repeat.
    failure: str = ""
    last_ok_at: dt.datetime | None = None


@dataclass(eq=False)
class CouncilView:
    id: str
    name: str
    url: str
    created_at: dt.datetime
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    health: Health = field(default_factory=Health)
    documents: list[DocumentView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    failed_documents: dict[str, int] = field(default_factory=dict)  # kind of failure -> documents

    @property
    def path(self) -> str:
        return layout.council_page(self.id)

    @property
    def hits(self) -> list[HitView]:
        return [h for d in self.documents for h in d.hits]

    @property
    def categories(self) -> dict[str, int]:
        """Findings per category, the most frequent first."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            for category in finding.facts["technologies"]:
                counts[category["id"]] = counts.get(category["id"], 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def summary(self) -> list[tuple[str, list[int], int]]:
        """Findings per technology and year, in :attr:`years`' order: (label, counts, total)."""
        years = self.years
        labels = {t["id"]: t["label"] for f in self.findings for t in f.facts["technologies"]}
        rows = []
        for category, total in self.categories.items():
            counts = [
                sum(1 for f in findings if any(t["id"] == category for t in f.facts["technologies"]))
                for _, findings in years
            ]
            rows.append((labels[category], counts, total))
        return rows

    @property
    def years(self) -> list[tuple[str, list[FindingView]]]:
        """Its findings by year of their meeting (the latest first; undated last)."""
        years: dict[str, list[FindingView]] = {}
        for finding in sorted(self.findings, key=_finding_order):
            meeting = finding.facts["meeting_date"]
            years.setdefault(str(meeting.year) if meeting else "", []).append(finding)
        return sorted(years.items(), key=lambda kv: kv[0] or "0", reverse=True)


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
class FindingView:
    """A finding as the site shows it: its facts (:func:`notify.facts.finding_facts`) and evidence."""

    id: int
    facts: dict[str, Any]
    council: CouncilView
    entry_id: str
    score: float
    first_seen_at: dt.datetime
    updated: dt.datetime  # when its latest revision began: a feed entry's date
    hits: list[HitView] = field(default_factory=list)

    @property
    def path(self) -> str:
        return layout.finding_page(self.id)

    @property
    def categories(self) -> list[str]:
        return [t["label"] for t in self.facts["technologies"]]

    @property
    def facts_categories(self) -> set[str]:
        return {t["id"] for t in self.facts["technologies"]}

    @property
    def evidence(self) -> list[tuple[DocumentView, list[HitView]]]:
        """Its hits by document, in the documents' reading order."""
        by_document: dict[int, tuple[DocumentView, list[HitView]]] = {}
        for hit in self.hits:
            by_document.setdefault(hit.document.id, (hit.document, []))[1].append(hit)
        return sorted(by_document.values(), key=lambda pair: _document_order(pair[0]))


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
    finding_id: int | None = None

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
    findings: list[FindingView] = field(default_factory=list)  # the latest revised first

    @property
    def votes_ahead(self) -> list[FindingView]:
        """Findings whose vote is still ahead, soonest first."""
        return sorted((f for f in self.findings if f.facts["vote_date"]), key=_finding_order)


def _label(hit: Hit, labels: Labels, language: str) -> str:
    label = labels.category(hit.category, language)
    vendor = clean_text(hit.vendor)
    return f"{label} — {vendor}" if vendor else label


def vote_date(doc: Document, today: dt.date) -> dt.date | None:
    """The date of the vote when the document's meeting is still ahead (minutes come after it)."""
    if doc.meeting_date and doc.meeting_date >= today and doc.kind != "minutes":
        return doc.meeting_date
    return None


def _document(
    doc: Document, council: CouncilView, labels: Labels, language: str, public_url: str, today: dt.date
) -> DocumentView:
    return DocumentView(
        id=doc.id,
        title=document_title(doc),
        kind=doc.kind,
        kind_label=labels.kind(doc.kind, language),
        meeting_date=doc.meeting_date,
        vote_date=vote_date(doc, today),
        url=safe_href(doc.url),
        archive_url=archive_url(public_url, doc.content_hash),
        council=council,
    )


def _hit(hit: Hit, doc: Document, view: DocumentView, labels: Labels, language: str, public_url: str) -> HitView:
    before, match, after = highlight(hit.snippet, hit.matched)
    return HitView(
        id=hit.id,
        entry_id=layout.hit_id(doc.source_id, doc.url, hit.fingerprint),
        category=hit.category,
        label=_label(hit, labels, language),
        matched=clean_text(hit.matched),
        before=before,
        match=match,
        after=after,
        page=hit.page,
        start=hit.start,
        page_url=with_page(view.url, hit.page),
        archive_url=archive_url(public_url, doc.content_hash, hit.page),
        created_at=hit.created_at,
        document=view,
        finding_id=hit.finding_id,
    )


def _health(session: Session) -> dict[str, Health]:
    """Each source's last crawl and last successful crawl, in two grouped queries."""
    latest = (
        select(SourceRun.source_id, func.max(SourceRun.started_at).label("at")).group_by(SourceRun.source_id).subquery()
    )
    runs = session.scalars(
        select(SourceRun).join(
            latest, (SourceRun.source_id == latest.c.source_id) & (SourceRun.started_at == latest.c.at)
        )
    )
    health = {
        r.source_id: Health(
            last_at=r.finished_at or r.started_at,
            status=r.status,
            new_documents=r.documents_new,
            failure=failure_kind(r.error, r.finish_reason) if r.status == RunStatus.FAILED else "",
        )
        for r in runs
    }
    last_ok = session.execute(
        select(SourceRun.source_id, func.max(SourceRun.finished_at))
        .where(SourceRun.status == RunStatus.OK)
        .group_by(SourceRun.source_id)
    )
    for source_id, finished_at in last_ok:
        health.setdefault(source_id, Health()).last_ok_at = finished_at
    return health


def _document_order(doc: DocumentView) -> tuple[Any, ...]:
    return reading_order(doc.vote_date, doc.meeting_date, doc.id)


def _finding_order(finding: FindingView) -> tuple[Any, ...]:
    return reading_order(finding.facts["vote_date"], finding.facts["meeting_date"], finding.id)


def _findings(
    session: Session,
    councils: dict[str, CouncilView],
    hits: list[HitView],
    labels: Labels,
    language: str,
    public_url: str,
    today: dt.date,
) -> list[FindingView]:
    """Every active finding with its evidence, the latest revised first."""
    views = []
    query = (
        select(Finding)
        .where(Finding.status == FindingStatus.ACTIVE)
        .options(*FINDING_LOADED)
        .order_by(Finding.news_at.desc(), Finding.id.desc())
    )
    for finding in session.scalars(query).unique():
        council = councils[finding.source_id]
        view = FindingView(
            id=finding.id,
            facts=finding_facts(finding, labels, language, public_url, today),
            council=council,
            entry_id=layout.finding_id(finding.source_id, finding.key),
            score=finding.score,
            first_seen_at=finding.first_seen_at,
            updated=finding.news_at,
        )
        views.append(view)
        council.findings.append(view)
    by_id = {v.id: v for v in views}
    for hit in hits:
        if hit.finding_id in by_id:
            by_id[hit.finding_id].hits.append(hit)
    for view in views:
        view.hits.sort(key=lambda h: (h.document.id, h.page, h.start, h.id))
    return views


def load_content(session: Session, labels: Labels, language: str, public_url: str, today: dt.date) -> SiteContent:
    """Read the site's content: every source, and every document that has hits, with its hits."""
    health = _health(session)
    councils = {
        s.id: CouncilView(
            id=s.id,
            name=clean_text(s.name) or clean_text(s.id),
            url=safe_href(s.url),
            created_at=s.created_at,
            country=clean_text(s.country).upper(),
            latitude=s.latitude,
            longitude=s.longitude,
            health=health.get(s.id, Health()),
        )
        for s in session.scalars(select(Source))
    }
    for source_id, error in session.execute(
        select(Document.source_id, Document.error).where(Document.status == DocumentStatus.FAILED)
    ):
        kinds = councils[source_id].failed_documents
        kind = failure_kind(error)
        kinds[kind] = kinds.get(kind, 0) + 1
    documents: dict[int, DocumentView] = {}
    categories: dict[str, CategoryView] = {}
    hits: list[HitView] = []
    query = (
        select(Hit, Document)
        .join(Document, Hit.document_id == Document.id)
        .order_by(Hit.created_at.desc(), Hit.id.desc())
    )
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
        categories.setdefault(
            hit.category, CategoryView(hit.category, labels.category(hit.category, language))
        ).hits.append(entry)
    for view in documents.values():
        view.hits.sort(key=lambda h: (h.page, h.start, h.id))
    for council in councils.values():
        council.documents.sort(key=_document_order)
    ordered = sorted(documents.values(), key=_document_order)
    findings = _findings(session, councils, hits, labels, language, public_url, today)
    dates = (
        [h.created_at for h in hits[:1]] + [f.updated for f in findings[:1]] + [c.created_at for c in councils.values()]
    )
    return SiteContent(
        councils=sorted(councils.values(), key=lambda c: (c.name.casefold(), c.id)),
        documents=ordered,
        hits=hits,
        categories=sorted(categories.values(), key=lambda c: (c.label.casefold(), c.id)),
        upcoming=[d for d in ordered if d.vote_date],
        updated=max(dates, default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)),
        findings=findings,
    )
