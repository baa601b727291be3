"""The analysis stage: extract and analyse the documents waiting in the database.

Documents are taken in batches: their files are read from the blob store and extracted one by one
(a file that cannot be read marks only that document as failed, with the reason), then the
batch's pages go through the analyzer together, and each document is written in its own
transaction: its pages (the cleaned text that hits' offsets refer to), its new hits, its status.

One process does it all: on the two cores measured, a pool of two processes extracting PDF text ran
at 371 pages/s against 523 for one process (pickling pages costs more than it saves, as
``shared/reference/performance.md`` found for spaCy). OCR, the slow step, already reads several
pages at once in parallel Tesseract processes (:mod:`nlp.extract.pdf`).

Hits are never deleted: a hit whose fingerprint is already stored is skipped, so nothing is
alerted twice. After a lexicon change, :func:`reanalyse_stale` runs the stored text of documents
analysed with another lexicon version again, without downloading or extracting anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from sqlalchemy import and_, delete, func, or_, select, update

from nlp.extract import Extraction, ExtractionError, PageText, extract
from nlp.findings import Finding, fingerprint as identity
from nlp.language import guess_language
from nlp.lexicon import LANGUAGES
from storage.blobs import BlobStore
from storage.db import Database
from storage.models import Document, Hit, Page, utcnow
from storage.queue import claim, worker_name

log = logging.getLogger(__name__)

BATCH_SIZE = 32
# How long a worker may hold documents it claimed before others take them back (it died).
CLAIM_LEASE = dt.timedelta(hours=1)


@dataclass
class AnalysisSummary:
    documents: int = 0
    failed: int = 0
    pages: int = 0
    new_hits: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Work:
    """One document of a batch: what was read from the database, then extracted."""

    id: int
    url: str
    language: str
    extraction: Extraction | None = None


def analyse_pending(db: Database, data_dir: Path, limit: int | None = None, batch_size: int = BATCH_SIZE,
                    progress: Callable[[int], None] | None = None) -> AnalysisSummary:
    """Extract and analyse every document whose status is ``pending``; returns what was done.

    Several workers may run at once (several `vigie analyze`, on several machines sharing a
    PostgreSQL database): each claims a batch (:func:`claim_batch`) before working on it.
    ``progress`` is called with the number of documents of each batch done.
    """
    blobs = BlobStore(Path(data_dir) / "files")
    summary = AnalysisSummary()
    worker = worker_name()
    while limit is None or summary.documents < limit:
        size = batch_size if limit is None else min(batch_size, limit - summary.documents)
        batch = claim_batch(db, worker, size)
        if not batch:
            break
        works = [w for w in (_extract(db, blobs, doc_id, summary) for doc_id in batch) if w and w.extraction]
        _analyse_and_store(db, works, summary)
        if progress:
            progress(len(batch))
    return summary


def pending_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(Document.id)).where(_to_analyse(utcnow())))


def _to_analyse(now: dt.datetime):
    # A claim older than the lease belongs to a worker that died: its documents are pending again.
    return or_(Document.status == "pending",
               and_(Document.status == "analysing", Document.claimed_at < now - CLAIM_LEASE))


def claim_batch(db: Database, worker: str, size: int) -> list[int]:
    """Claim up to ``size`` documents to analyse for ``worker``: status ``analysing``, stamped."""
    with db.session() as session:
        ids = claim(session, Document, select(Document.id).where(_to_analyse(utcnow())).order_by(Document.id),
                    worker, limit=size)
        if ids:
            session.execute(update(Document).where(Document.id.in_(ids)).values(status="analysing")
                            .execution_options(synchronize_session=False))
    return ids


def reanalyse_stale(db: Database, limit: int | None = None, batch_size: int = BATCH_SIZE) -> AnalysisSummary:
    """Analyse again the stored pages of documents analysed with another lexicon version.

    Hits found before keep their rows (and their alerts); hits the new lexicon no longer finds get
    ``details["not_found_by"]`` set to the new version; new hits are added.
    """
    summary = AnalysisSummary()
    with db.session() as session:
        rows = session.execute(select(Document.id, Document.language, Document.lexicon_version)
                               .where(Document.status == "analysed").order_by(Document.id)).all()
    stale = [(doc_id, language) for doc_id, language, version in rows
             if version != _analyzer(_supported(language)).lexicon_version]
    if limit:
        stale = stale[:limit]
    for batch in _batches(stale, batch_size):
        works = []
        with db.session() as session:
            for doc_id, _ in batch:
                doc = session.get(Document, doc_id)
                pages = [PageText(p.number, p.text, p.method) for p in doc.pages]
                works.append(_Work(doc.id, doc.url, _language(doc.language, pages), Extraction(pages, {})))
        summary.documents += len(works)
        _analyse_and_store(db, works, summary, replace_pages=False)
    return summary


def _analyzer(language: str):
    # Imported on first use: spaCy takes most of a second to import, which a scheduled run with
    # nothing new to analyse should not pay.
    from nlp.analyze import Analyzer

    return Analyzer.for_language(language)


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _supported(language: str | None) -> str:
    return language if language in LANGUAGES else "fr"


def _language(declared: str | None, pages: list[PageText]) -> str:
    if declared in LANGUAGES:
        return declared
    return guess_language(" ".join(p.text for p in pages[:3]))


def _extract(db: Database, blobs: BlobStore, doc_id: int, summary: AnalysisSummary) -> _Work | None:
    """Read and extract one document's file; a failure is recorded on the document at once."""
    with db.session() as session:
        doc = session.get(Document, doc_id)
        if doc is None or doc.content_hash is None:
            return None
        work = _Work(doc.id, doc.url, doc.language)
        content_hash, media_type = doc.content_hash, doc.media_type
    summary.documents += 1
    try:
        work.extraction = extract(blobs.get(content_hash), media_type, work.url, _supported(work.language))
    except (ExtractionError, OSError) as exc:
        with db.session() as session:
            doc = session.get(Document, doc_id)
            doc.status, doc.error = "failed", f"extraction failed: {exc}"
            doc.claimed_by = doc.claimed_at = None
        summary.failed += 1
        summary.errors.append(f"{work.url}: {exc}")
        log.warning("Document %s: extraction failed: %s", work.url, exc)
        return None
    work.language = _language(work.language, work.extraction.pages)
    return work


def _analyse_and_store(db: Database, works: list[_Work], summary: AnalysisSummary, replace_pages: bool = True) -> None:
    by_language: dict[str, list[_Work]] = {}
    for work in works:
        by_language.setdefault(work.language, []).append(work)
    for language, group in by_language.items():
        analyzer = _analyzer(language)
        documents = [w.extraction.pages for w in group]
        for work, findings in zip(group, analyzer.analyze_documents(documents)):
            _store(db, work, findings, analyzer.lexicon_version, summary, replace_pages)


def _store(db: Database, work: _Work, findings: list[Finding], version: str, summary: AnalysisSummary,
           replace_pages: bool) -> None:
    """Write one document's pages, new hits and status in one transaction."""
    pages, metadata = work.extraction.pages, work.extraction.metadata
    with db.session() as session:
        doc = session.get(Document, work.id)
        if replace_pages:
            session.execute(delete(Page).where(Page.document_id == doc.id))
            session.add_all(Page(document_id=doc.id, number=p.number, text=p.text, method=p.method) for p in pages)
        existing = {}
        for hit in session.scalars(select(Hit).where(Hit.document_id == doc.id)):
            # Rows written by an older fingerprint formula are recognised by their columns too.
            existing[hit.fingerprint] = existing[identity(hit.kind, hit.category, hit.vendor, hit.page, hit.snippet)] = hit
        found = set()
        for finding in findings:
            fingerprint = finding.fingerprint()
            if fingerprint in found:
                continue  # another mention of the same thing in the same sentence
            found.add(fingerprint)
            if fingerprint in existing:
                continue  # found before: already alerted, never again
            session.add(Hit(document_id=doc.id, fingerprint=fingerprint, kind=finding.kind,
                            category=finding.category, vendor=finding.vendor, matched=finding.matched,
                            page=finding.page, start=finding.start, end=finding.end, snippet=finding.snippet,
                            score=finding.score, lexicon_version=finding.lexicon_version, details=finding.details))
            summary.new_hits += 1
        for hit in set(existing.values()):
            known = {hit.fingerprint, identity(hit.kind, hit.category, hit.vendor, hit.page, hit.snippet)}
            if not known & found and "not_found_by" not in (hit.details or {}):
                hit.details = {**(hit.details or {}), "not_found_by": version}
        doc.status, doc.error, doc.claimed_by, doc.claimed_at = "analysed", None, None, None
        doc.analysed_at, doc.lexicon_version = utcnow(), version
        if metadata.get("acte_id"):
            doc.acte_id = metadata["acte_id"]
        extra = {k: v for k, v in metadata.items() if k not in ("page_count", "acte_id")}
        if extra:
            doc.extra = {**(doc.extra or {}), **extra}
        votes = [f.details["vote"] for f in findings if f.details.get("vote")]
        if doc.votes is None and votes and all(v == votes[0] for v in votes):
            doc.votes = votes[0]
        summary.pages += len(pages)
