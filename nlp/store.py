"""Writing documents' analyses: their pages, new hits, findings and status, in the caller's transaction.

Hits are never deleted: a hit whose fingerprint is already stored is skipped, so nothing is
alerted twice, and a stored hit the current lexicon no longer finds gets
``details["not_found_by"]`` (its ``retracted_by``): kept as a record, no longer shown or alerted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from nlp.council_index import CouncilIndex
from nlp.detections import Detection
from nlp.detections import fingerprint as identity
from nlp.extract import Extraction
from nlp.findings import (
    Reading,
    council_indexes,
    describe_repeated,
    read_deliberations,
    refresh_all,
    update_document_findings,
)
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
        # A document never analysed has no pages, hits or sightings stored: none is looked for.
        first = {doc_id for doc_id, doc in docs.items() if doc.analysed_at is None}
        readings = {a.doc_id: _prepare(docs[a.doc_id], a) for a in analyses if a.doc_id in docs}
        indexes = council_indexes(session, [(docs[doc_id], reading.pieces) for doc_id, reading in readings.items()])
        for doc_id, reading in readings.items():
            describe_repeated(session, docs[doc_id], reading, indexes[docs[doc_id].source_id])
    # Two workers storing two documents of one council at once would both create the finding they
    # share (or each overwrite the other's refresh of it): they take turns, council by council, in
    # one order for all (two workers each holding a council the other waits for would deadlock).
    for source_id in sorted(indexes):
        take_turns(session, Source, source_id)
        indexes[source_id].read(session)  # what another worker wrote meanwhile
    stored = [a for a in analyses if a.doc_id in docs]
    if replace_pages:
        _replace_pages(session, [a for a in stored if a.doc_id not in first], stored)
    touched: set[int] = set()
    new_hits = [
        _write(session, docs[a.doc_id], a, readings[a.doc_id], indexes, a.doc_id in first, touched)
        if a.doc_id in docs
        else None
        for a in analyses
    ]
    # Once for the batch: the agenda, the deliberation and the minutes of one act often come together.
    refresh_all(session, touched, utcnow())
    return new_hits


def _prepare(doc: Document, analysis: Analysed) -> Reading:
    """Set the document's analysis status and metadata (in memory), and read its deliberations
    (those with mentions are described: they will be kept)."""
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
    return read_deliberations(doc, _texts(analysis), [(d.page, d.start) for d in analysis.detections])


def _replace_pages(session: Session, analysed_before: list[Analysed], analyses: list[Analysed]) -> None:
    """Store each extraction's pages as its document's text, in place of those stored before (one
    statement each: the unit of work's per-object bookkeeping is not needed)."""
    if analysed_before:
        session.execute(delete(Page).where(Page.document_id.in_([a.doc_id for a in analysed_before])))
    rows = [
        {"document_id": a.doc_id, "number": p.number, "text": p.text, "method": p.method}
        for a in analyses
        for p in a.extraction.pages
    ]
    if rows:
        session.execute(insert(Page), rows)


def _write(
    session: Session,
    doc: Document,
    analysis: Analysed,
    read: Reading,
    indexes: dict[str, CouncilIndex],
    first: bool,
    touched: set[int],
) -> int:
    added, stored = record_hits(session, doc.id, analysis.detections, analysis.version, first)
    touched |= update_document_findings(
        session,
        doc,
        _texts(analysis),
        hits=[*stored, *added],
        read=read,
        refresh=False,
        first_analysis=first,
        council=indexes[doc.source_id],
    )
    # Added once their findings are known: each new hit is one INSERT, not an INSERT then an UPDATE.
    session.add_all(added)
    return len(added)


def _texts(analysis: Analysed) -> list[tuple[int, str]]:
    return [(p.number, p.text) for p in analysis.extraction.pages]


def record_hits(
    session: Session, doc_id: int, detections: list[Detection], version: str, first_analysis: bool = False
) -> tuple[list[Hit], list[Hit]]:
    """Mark the stored hits ``version`` no longer finds; returns the hits not stored yet (new
    objects, for the caller to add to ``session``) and those stored. ``first_analysis``: none is
    stored yet."""
    # A stored hit is known by its fingerprint and, for rows written by an older fingerprint
    # formula, by the fingerprint its columns give today.
    stored = {
        hit: {hit.fingerprint, identity(hit.kind, hit.category, hit.vendor, hit.page, hit.snippet)}
        for hit in ([] if first_analysis else session.scalars(select(Hit).where(Hit.document_id == doc_id)))
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
    for hit, fingerprints in stored.items():
        if not fingerprints & found and hit.retracted_by is None:
            hit.details = {**(hit.details or {}), "not_found_by": version}
    return added, list(stored)
