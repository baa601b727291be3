"""Writing one document's analysis: its pages, its new hits, its findings and its status, in the caller's transaction.

Hits are never deleted: a hit whose fingerprint is already stored is skipped, so nothing is
alerted twice, and a stored hit the current lexicon no longer finds gets
``details["not_found_by"]`` (its ``retracted_by``): kept as a record, no longer shown or alerted.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from nlp.detections import Detection
from nlp.detections import fingerprint as identity
from nlp.extract import Extraction
from nlp.findings import read_deliberations, update_document_findings
from storage.models import Document, Hit, Page, Source, utcnow
from storage.queue import take_turns
from storage.states import DocumentStatus


def store_analysis(
    session: Session,
    doc_id: int,
    extraction: Extraction,
    detections: list[Detection],
    version: str,
    replace_pages: bool,
) -> int | None:
    """Record the analysis of document ``doc_id`` in ``session`` (the caller commits); returns its
    new hits (None: the document was deleted meanwhile).

    ``replace_pages``: store ``extraction``'s pages as the document's text (the hits' offsets refer
    to it); false when the pages analysed are those already stored.
    """
    pages, metadata = extraction.pages, extraction.metadata
    texts = [(p.number, p.text) for p in pages]
    doc = session.get(Document, doc_id)
    if doc is None:
        return None
    doc.status, doc.error, doc.claimed_by, doc.claimed_at = DocumentStatus.ANALYSED, None, None, None
    doc.analysis_attempts = 0
    doc.analysed_at, doc.lexicon_version = utcnow(), version
    if metadata.get("acte_id"):
        doc.acte_id = metadata["acte_id"]
    extra = {k: v for k, v in metadata.items() if k not in ("page_count", "acte_id")}
    if extra:
        doc.extra = {**(doc.extra or {}), **extra}
    # The document's vote only when its hits agree on one (minutes hold several deliberations).
    votes = [f.details["vote"] for f in detections if f.details.get("vote")]
    if doc.votes is None and votes and all(v == votes[0] for v in votes):
        doc.votes = votes[0]
    read = read_deliberations(doc, texts)  # before taking turns: it needs no database
    # Two workers storing two documents of one council at once would both create the finding
    # they share (or each overwrite the other's refresh of it): they take turns.
    take_turns(session, Source, doc.source_id)
    if replace_pages:
        session.execute(delete(Page).where(Page.document_id == doc.id))
        if pages:  # one INSERT for all (the unit of work's per-object bookkeeping is not needed)
            session.execute(
                insert(Page),
                [{"document_id": doc.id, "number": p.number, "text": p.text, "method": p.method} for p in pages],
            )
    new_hits, hits = record_hits(session, doc.id, detections, version)
    update_document_findings(session, doc, texts, hits=hits, read=read)
    return new_hits


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
