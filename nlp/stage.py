"""The analysis stage: extract and analyse the documents waiting in the database.

Documents are taken in batches: their files are read from the blob store and extracted one by one
(a file that cannot be read marks only that document as failed, with the reason), then the
batch's pages go through the analyzer together, and each document is written in its own
transaction: its pages (the cleaned text that hits' offsets refer to), its new hits, its status.

One process does it all: on the two cores measured, a pool of two processes extracting PDF text ran
at 371 pages/s against 523 for one process (pickling pages costs more than it saves, as
``shared/reference/performance.md`` found for spaCy). OCR, the slow step, already reads several
pages at once in parallel Tesseract processes (:mod:`nlp.extract.pdf`).

What is stored, and how hits already stored are kept, is :mod:`nlp.store`'s. After a lexicon
change, :func:`reanalyse_stale` runs the stored text of documents analysed with another lexicon
version again, without downloading or extracting anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from nlp.extract import Extraction, ExtractionError, PageText, extract
from nlp.findings import backfill_findings
from nlp.language import declared_language, document_language
from nlp.store import store_analysis
from storage.blobs import BlobStore
from storage.db import Database
from storage.models import Document, utcnow
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
    """One document of a batch and its pages: extracted from its file, or as stored."""

    id: int
    language: str
    extraction: Extraction


# Reads the pages of a batch of claimed documents; a document it cannot read is left out.
_Reader = Callable[[list[int]], list[_Work]]


def analyse_pending(db: Database, data_dir: Path, limit: int | None = None, batch_size: int = BATCH_SIZE,
                    progress: Callable[[int], None] | None = None) -> AnalysisSummary:
    """Extract and analyse every document whose status is ``pending``; returns what was done.

    Several workers may run at once (several `vigie analyze`, on several machines sharing a
    PostgreSQL database): each claims a batch (:func:`claim_batch`) before working on it.
    ``progress`` is called with the number of documents of each batch done.
    """
    blobs = BlobStore(Path(data_dir) / "files")
    summary = AnalysisSummary()
    backfill_findings(db.session)  # documents analysed before findings existed

    def extracted(ids: list[int]) -> list[_Work]:
        return [w for w in (_extract(db, blobs, doc_id, summary) for doc_id in ids) if w]

    _work_through(db, lambda: _to_analyse(utcnow()), extracted, summary, limit, batch_size, progress, replace_pages=True)
    return summary


def reanalyse_stale(db: Database, limit: int | None = None, batch_size: int = BATCH_SIZE) -> AnalysisSummary:
    """Analyse again the stored pages of documents analysed with another lexicon version.

    Documents are claimed as pending ones are, so that two workers never re-analyse the same one.
    Hits found before keep their rows (and their alerts); hits the new lexicon no longer finds get
    ``details["not_found_by"]`` set to the new version; new hits are added.
    """
    summary = AnalysisSummary()
    stale = _stale(db)
    if stale is not None:
        _work_through(db, lambda: stale, lambda ids: _stored(db, ids), summary, limit, batch_size, None,
                      replace_pages=False)
    return summary


def pending_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(Document.id)).where(_to_analyse(utcnow())))


def claim_batch(db: Database, worker: str, size: int, to_do: ColumnElement[bool] | None = None) -> list[int]:
    """Claim up to ``size`` documents for ``worker``: status ``analysing``, stamped.

    ``to_do`` selects the documents; by default those pending (or held by a worker that died).
    """
    with db.session() as session:
        condition = _to_analyse(utcnow()) if to_do is None else to_do
        ids = claim(session, Document, select(Document.id).where(condition).order_by(Document.id), worker, limit=size)
        if ids:
            session.execute(update(Document).where(Document.id.in_(ids)).values(status="analysing")
                            .execution_options(synchronize_session=False))
    return ids


def _work_through(db: Database, to_do: Callable[[], ColumnElement[bool]], read: _Reader, summary: AnalysisSummary,
                  limit: int | None, batch_size: int, progress: Callable[[int], None] | None,
                  replace_pages: bool) -> None:
    """Claim, read, analyse and store batches of the documents ``to_do()`` selects, until none is left."""
    worker = worker_name()
    while limit is None or summary.documents < limit:
        size = batch_size if limit is None else min(batch_size, limit - summary.documents)
        batch = claim_batch(db, worker, size, to_do())
        if not batch:
            break
        summary.documents += len(batch)
        _analyse_and_store(db, read(batch), summary, replace_pages)
        if progress:
            progress(len(batch))


def _to_analyse(now: dt.datetime) -> ColumnElement[bool]:
    # A claim older than the lease belongs to a worker that died: its documents are pending again.
    return or_(Document.status == "pending",
               and_(Document.status == "analysing", Document.claimed_at < now - CLAIM_LEASE))


def _stale(db: Database) -> ColumnElement[bool] | None:
    """The analysed documents whose lexicon version is not today's (None: no document is analysed)."""
    with db.session() as session:
        languages = list(session.scalars(select(Document.language).where(Document.status == "analysed").distinct()))
    if not languages:
        return None
    # Every analyzer loads the same lexicon folder, so this is one version; a set keeps a document
    # stored under any current version from being taken again and again.
    current = {_analyzer(_supported(language)).lexicon_version for language in languages}
    return and_(Document.status == "analysed",
                or_(Document.lexicon_version.is_(None), Document.lexicon_version.notin_(current)))


def _analyzer(language: str):
    # Imported on first use: spaCy takes most of a second to import, which a scheduled run with
    # nothing new to analyse should not pay.
    from nlp.analyze import Analyzer

    return Analyzer.for_language(language)


def _supported(language: str | None) -> str:
    return declared_language(language)[0] or "fr"  # "=de" (a source that insists) is German too


def _extract(db: Database, blobs: BlobStore, doc_id: int, summary: AnalysisSummary) -> _Work | None:
    """Read and extract one document's file; a failure is recorded on the document at once."""
    with db.session() as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            return None  # deleted since it was claimed (its source was removed)
        url, declared, content_hash, media_type = doc.url, doc.language, doc.content_hash, doc.media_type
    try:
        if content_hash is None:
            raise ExtractionError("no stored file: crawl the source again")
        extraction = extract(blobs.get(content_hash), media_type, url, _supported(declared))
    except (ExtractionError, OSError) as exc:
        with db.session() as session:
            session.execute(update(Document).where(Document.id == doc_id).values(
                status="failed", error=f"extraction failed: {exc}", claimed_by=None, claimed_at=None))
        summary.failed += 1
        summary.errors.append(f"{url}: {exc}")
        log.warning("Document %s: extraction failed: %s", url, exc)
        return None
    return _Work(doc_id, document_language(extraction.pages, declared), extraction)


def _stored(db: Database, ids: list[int]) -> list[_Work]:
    """The pages stored by an earlier analysis: no download, no extraction."""
    works = []
    with db.session() as session:
        query = select(Document).where(Document.id.in_(ids)).options(selectinload(Document.pages))
        for doc in session.scalars(query.order_by(Document.id)):
            pages = [PageText(p.number, p.text, p.method) for p in doc.pages]
            works.append(_Work(doc.id, document_language(pages, doc.language), Extraction(pages)))
    return works


def _analyse_and_store(db: Database, works: list[_Work], summary: AnalysisSummary, replace_pages: bool) -> None:
    by_language: dict[str, list[_Work]] = {}
    for work in works:
        by_language.setdefault(work.language, []).append(work)
    for language, group in by_language.items():
        analyzer = _analyzer(language)
        documents = [w.extraction.pages for w in group]
        for work, detections in zip(group, analyzer.analyze_documents(documents)):
            new_hits = store_analysis(db, work.id, work.extraction, detections, analyzer.lexicon_version, replace_pages)
            if new_hits is not None:
                summary.new_hits += new_hits
                summary.pages += len(work.extraction.pages)
