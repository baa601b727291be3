"""The analysis stage: extract and analyse the documents waiting in the database.

Each document is one unit of work: its pages and hits are written in one transaction, and a
file that cannot be read marks only that document as failed, with the reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select

from nlp.analyze import Analyzer
from nlp.extract import ExtractionError, extract
from storage.blobs import BlobStore
from storage.db import Database
from storage.models import Document, Hit, Page, utcnow

log = logging.getLogger(__name__)


@dataclass
class AnalysisSummary:
    documents: int = 0
    failed: int = 0
    pages: int = 0
    new_hits: int = 0
    errors: list[str] = field(default_factory=list)


def analyse_pending(db: Database, data_dir: Path, limit: int | None = None) -> AnalysisSummary:
    """Analyse every document whose status is ``pending``; returns what was done."""
    blobs = BlobStore(data_dir / "files")
    summary = AnalysisSummary()
    with db.session() as session:
        query = select(Document.id).where(Document.status == "pending").order_by(Document.id)
        ids = list(session.scalars(query.limit(limit) if limit else query))
    for doc_id in ids:
        analyse_document(db, blobs, doc_id, summary)
    return summary


def analyse_document(db: Database, blobs: BlobStore, doc_id: int, summary: AnalysisSummary) -> None:
    with db.session() as session:
        doc = session.get(Document, doc_id)
        if doc is None or doc.content_hash is None:
            return
        summary.documents += 1
        try:
            extraction = extract(blobs.get(doc.content_hash), doc.media_type, doc.url)
        except (ExtractionError, OSError) as exc:
            doc.status, doc.error = "failed", f"extraction failed: {exc}"
            summary.failed += 1
            summary.errors.append(f"{doc.url}: {exc}")
            log.warning("Document %s: extraction failed: %s", doc.url, exc)
            return
        analyzer = Analyzer.for_language(doc.language)
        findings = analyzer.analyze(extraction.pages)
        session.execute(delete(Page).where(Page.document_id == doc.id))
        session.add_all(Page(document_id=doc.id, number=p.number, text=p.text, method=p.method)
                        for p in extraction.pages)
        known = set(session.scalars(select(Hit.fingerprint).where(Hit.document_id == doc.id)))
        for finding in findings:
            fingerprint = finding.fingerprint()
            if fingerprint in known:
                continue  # found before: already alerted, never again
            known.add(fingerprint)
            session.add(Hit(document_id=doc.id, fingerprint=fingerprint, kind=finding.kind,
                            category=finding.category, vendor=finding.vendor, matched=finding.matched,
                            page=finding.page, start=finding.start, end=finding.end,
                            snippet=finding.snippet, score=finding.score,
                            lexicon_version=finding.lexicon_version, details=finding.details))
            summary.new_hits += 1
        doc.status, doc.error = "analysed", None
        doc.analysed_at, doc.lexicon_version = utcnow(), analyzer.lexicon_version
        doc.extra = {**(doc.extra or {}), **{k: v for k, v in extraction.metadata.items() if k != "page_count"}}
        summary.pages += len(extraction.pages)
