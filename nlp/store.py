"""Writing documents' analyses: their pages, new hits, findings and status, in the caller's transaction.

Hits are never deleted: a hit whose fingerprint is already stored is skipped, so nothing is
alerted twice, and a stored hit the current lexicon no longer finds gets
``details["not_found_by"]`` (its ``retracted_by``): kept as a record, no longer shown or alerted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from nlp.detections import Detection
from nlp.detections import fingerprint as identity
from nlp.extract import Extraction
from nlp.findings import Reading, describe_repeated, read_deliberations, refresh_all, update_document_findings
from storage.models import Document, Hit, Page, Source, utcnow
from storage.queue import take_turns
from storage.states import DocumentStatus


@dataclass
class Analysed:
    """One document's analysis, to be stored: its pages, its detections, what they were read with."""

    doc_id: int
    extraction: Extraction
    detections: list[Detection]
    version: str


def store_analyses(session: Session, analyses: list[Analysed], replace_pages: bool) -> list[int | None]:
    """Record the analyses of documents in ``session`` (the caller commits); returns each one's new
    hits (None: the document was deleted meanwhile).

    What needs no database (each document's status, the reading of its deliberations) is done
    first; then the turns of their councils are taken, and the documents written.
    ``replace_pages``: store each extraction's pages as its document's text (the hits' offsets refer
    to it); false when the pages analysed are those already stored.
    """
    ids = [a.doc_id for a in analyses]
    with session.no_autoflush:  # nothing written yet: writing takes the turn
        docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
        readings = {a.doc_id: _prepare(session, docs[a.doc_id], a) for a in analyses if a.doc_id in docs}
    # Two workers storing two documents of one council at once would both create the finding they
    # share (or each overwrite the other's refresh of it): they take turns, council by council, in
    # one order for all (two workers each holding a council the other waits for would deadlock).
    for source_id in sorted({doc.source_id for doc in docs.values()}):
        take_turns(session, Source, source_id)
    touched: set[int] = set()
    new_hits = [
        _write(session, docs[a.doc_id], a, readings[a.doc_id], replace_pages, touched) if a.doc_id in docs else None
        for a in analyses
    ]
    # Once for the batch: the agenda, the deliberation and the minutes of one act often come together.
    refresh_all(session, touched, utcnow())
    return new_hits


def _prepare(session: Session, doc: Document, analysis: Analysed) -> Reading:
    """Set the document's analysis status and metadata (in memory), and read its deliberations:
    those with mentions and those that repeat a finding are described (they will be kept)."""
    metadata = analysis.extraction.metadata
    doc.status, doc.error, doc.claimed_by, doc.claimed_at = DocumentStatus.ANALYSED, None, None, None
    doc.analysis_attempts = 0
    doc.analysed_at, doc.lexicon_version = utcnow(), analysis.version
    if metadata.get("acte_id"):
        doc.acte_id = metadata["acte_id"]
    extra = {k: v for k, v in metadata.items() if k not in ("page_count", "acte_id")}
    if extra:
        doc.extra = {**(doc.extra or {}), **extra}
    # The document's vote only when its hits agree on one (minutes hold several deliberations).
    votes = [f.details["vote"] for f in analysis.detections if f.details.get("vote")]
    if doc.votes is None and votes and all(v == votes[0] for v in votes):
        doc.votes = votes[0]
    reading = read_deliberations(doc, _texts(analysis), [(d.page, d.start) for d in analysis.detections])
    describe_repeated(session, doc, reading)
    return reading


def _write(
    session: Session, doc: Document, analysis: Analysed, read: Reading, replace_pages: bool, touched: set[int]
) -> int:
    pages = analysis.extraction.pages
    if replace_pages:
        session.execute(delete(Page).where(Page.document_id == doc.id))
        if pages:  # one INSERT for all (the unit of work's per-object bookkeeping is not needed)
            session.execute(
                insert(Page),
                [{"document_id": doc.id, "number": p.number, "text": p.text, "method": p.method} for p in pages],
            )
    new_hits, hits = record_hits(session, doc.id, analysis.detections, analysis.version)
    touched |= update_document_findings(session, doc, _texts(analysis), hits=hits, read=read, refresh=False)
    return new_hits


def _texts(analysis: Analysed) -> list[tuple[int, str]]:
    return [(p.number, p.text) for p in analysis.extraction.pages]


def record_hits(session: Session, doc_id: int, detections: list[Detection], version: str) -> tuple[int, list[Hit]]:
    """Add the hits not stored yet and mark those ``version`` no longer finds; returns how many were
    added, and the document's hits (stored and added)."""
    # A stored hit is known by its fingerprint and, for rows written by an older fingerprint
    # formula, by the fingerprint its columns give today.
    stored = {
        hit: {hit.fingerprint, identity(hit.kind, hit.category, hit.vendor, hit.page, hit.snippet)}
        for hit in session.scalars(select(Hit).where(Hit.document_id == doc_id))
    }
    known = set().union(*stored.values())
    found: set[str] = set()
    added = []
    for detection in detections:
        fingerprint = detection.fingerprint()
        if fingerprint in found:
            continue  # another mention of the same thing in the same sentence
        found.add(fingerprint)
        if fingerprint in known:
            continue  # found before: already alerted, never again
        added.append(Hit(document_id=doc_id, fingerprint=fingerprint, **detection.as_dict()))
    session.add_all(added)
    for hit, fingerprints in stored.items():
        if not fingerprints & found and hit.retracted_by is None:
            hit.details = {**(hit.details or {}), "not_found_by": version}
    return len(added), [*stored, *added]
