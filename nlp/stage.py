"""The analysis stage: extract and analyse the documents waiting in the database.

Documents are taken in batches: their files are extracted one by one in a sandbox (a worker
process with a memory and a time limit, :mod:`nlp.sandbox`; a file that cannot be read, or that
breaks a limit, marks only that document as failed, with the reason), then the batch's pages go
through the analyzer together, and the batch is written in one transaction: each document's pages
(the cleaned text that hits' offsets refer to), its new hits, its findings, its status.

A sandbox's worker process extracts document after document: on the two cores measured, a pool
of two processes extracting one batch ran at 371 pages/s against 523 for one process (pickling
pages costs more than it saves). Two sandboxes take turns, a batch each, so that the next batch is
always being extracted while this one is analysed and written (see :func:`_work_through`). OCR,
the slow step, reads several pages at once in parallel Tesseract processes (:mod:`nlp.extract.pdf`).

A worker that dies (killed, out of memory) leaves its documents claimed. They are taken back
after the lease, or at once when the worker was a process of this machine that no longer runs;
each is then claimed alone, and a document claimed twice by workers that died is failed rather
than claimed a third time (``analysis_attempts``): no file can stop the analysis for ever.

What is stored, and how hits already stored are kept, is :mod:`nlp.store`'s. After a lexicon
change, :func:`reanalyse_stale` runs the stored text of documents analysed with another lexicon
version again, without downloading or extracting anything.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from nlp.extract import Extraction, ExtractionError, PageText
from nlp.findings import backfill_findings
from nlp.language import declared_language, document_language
from nlp.sandbox import Job, Limits, Sandbox
from nlp.store import Analysed, store_analyses
from storage.blobs import BlobStore
from storage.db import Database
from storage.models import Document, utcnow
from storage.queue import claim, renew_claims, stopped_workers, worker_name
from storage.states import DocumentStatus

if TYPE_CHECKING:  # spaCy is imported on first use (see _analyzer)
    from nlp.analyze import Analyzer

log = logging.getLogger(__name__)

BATCH_SIZE = 32
# Near the end of the work, a batch takes at most this share of the documents left (and at least
# MIN_BATCH of them): the last documents are shared between the workers rather than left to one
# while the others have nothing to do.
SHARE_OF_WHAT_IS_LEFT = 4
MIN_BATCH = 4
# Claims of a document by workers that died, before it is failed instead of claimed again.
MAX_ATTEMPTS = 2
# A worker renews its claims this often (seconds) while it works through a batch.
RENEW_EVERY_S = 60


def claim_lease(limits: Limits) -> dt.timedelta:
    """How long a claim lasts unrenewed before others take the documents back (their worker died):
    one document's time limit, and room for the analysis of the batch."""
    return dt.timedelta(seconds=limits.time_s) + dt.timedelta(minutes=10)


CLAIM_LEASE = claim_lease(Limits())


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


# Starts reading a batch of claimed documents, and returns the function that collects their pages
# (a document it cannot read is left out).
_Reader = Callable[[list[int]], Callable[[], list[_Work]]]


def analyse_pending(
    db: Database,
    data_dir: Path,
    limit: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    limits: Limits | None = None,
) -> AnalysisSummary:
    """Extract and analyse every document whose status is ``pending``; returns what was done.

    Several workers may run at once (several `vigie analyze`, on several machines sharing a
    PostgreSQL database): each claims a batch (:func:`claim_batch`) before working on it.
    ``progress`` is called with the number of documents of each batch done. ``limits`` bound
    the extraction of each document (:class:`nlp.sandbox.Limits`).
    """
    limits = limits or Limits()
    blobs = BlobStore(Path(data_dir) / "files")
    summary = AnalysisSummary()
    backfill_findings(db.session)  # documents analysed before findings existed
    lease = claim_lease(limits)

    def to_do() -> ColumnElement[bool]:
        now, stopped = utcnow(), stopped_workers_of(db)
        _give_up_on_killers(db, now, lease, stopped, summary)
        return _to_analyse(now, lease, stopped)

    def reader(sandbox: Sandbox) -> _Reader:
        return lambda ids: _extract(db, blobs, sandbox, ids, summary)

    with Sandbox(limits) as first, Sandbox(limits) as second:
        _work_through(
            db,
            to_do,
            [reader(first), reader(second)],
            summary,
            limit,
            batch_size,
            progress,
            replace_pages=True,
        )
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
        _work_through(
            db,
            lambda: stale,
            [lambda ids: lambda: _stored(db, ids)],
            summary,
            limit,
            batch_size,
            None,
            replace_pages=False,
        )
    return summary


def pending_count(db: Database, limits: Limits | None = None) -> int:
    """Documents to analyse: pending, or held by a worker that died."""
    lease, stopped = claim_lease(limits or Limits()), stopped_workers_of(db)
    with db.session() as session:
        return session.scalar(select(func.count(Document.id)).where(_to_analyse(utcnow(), lease, stopped))) or 0


@dataclass
class Held:
    """A document claimed by an analysis worker, as `vigie status` shows it."""

    url: str
    worker: str
    since: dt.datetime | None
    attempts: int
    stopped: bool  # its worker died: it is taken back at the next analysis


def held_documents(db: Database, limits: Limits | None = None) -> list[Held]:
    """The documents being analysed, and those held by a worker that died."""
    lease = claim_lease(limits or Limits())
    stopped = set(stopped_workers_of(db))
    with db.session() as session:
        rows = session.execute(
            select(Document.url, Document.claimed_by, Document.claimed_at, Document.analysis_attempts)
            .where(Document.status == DocumentStatus.ANALYSING)
            .order_by(Document.claimed_at, Document.id)
        )
        now = utcnow()
        return [
            Held(url, worker or "", since, attempts, worker in stopped or since is None or since < now - lease)
            for url, worker, since, attempts in rows
        ]


def claim_batch(db: Database, worker: str, size: int, to_do: ColumnElement[bool] | None = None) -> list[int]:
    """Claim up to ``size`` documents for ``worker``: status ``analysing``, stamped, attempts counted.

    ``to_do`` selects the documents; by default those pending (or held by a worker that died). A
    document claimed before by a worker that died is claimed alone: if it is what killed that
    worker, it takes no other document down with it.
    """
    with db.session() as session:
        condition = _to_analyse(utcnow(), CLAIM_LEASE, []) if to_do is None else to_do
        query = select(Document.id).where(condition).order_by(Document.id)
        ids = claim(session, Document, query.where(Document.analysis_attempts > 0), worker, limit=1)
        if not ids:
            ids = claim(session, Document, query.where(Document.analysis_attempts == 0), worker, limit=size)
        if ids:
            session.execute(
                update(Document)
                .where(Document.id.in_(ids))
                .values(status=DocumentStatus.ANALYSING, analysis_attempts=Document.analysis_attempts + 1)
                .execution_options(synchronize_session=False)
            )
    return ids


def _work_through(
    db: Database,
    to_do: Callable[[], ColumnElement[bool]],
    readers: list[_Reader],
    summary: AnalysisSummary,
    limit: int | None,
    batch_size: int,
    progress: Callable[[int], None] | None,
    replace_pages: bool,
) -> None:
    """Claim, read, analyse and store batches of the documents ``to_do()`` selects, until none is left.

    Each of the ``readers`` (a sandbox each) reads a batch of its own ahead of the one analysed:
    while this batch is analysed and written (and while the worker waits for its turn to write),
    the next ones are extracted on the other cores, and a sandbox that finishes early does not
    wait for the analysis to hand it a batch.
    """
    worker, claimed = worker_name(), 0
    reading: deque[tuple[list[int], Callable[[], list[_Work]], int]] = deque()  # (batch, collect, reader)

    def start_next() -> bool:
        """Claim a batch and start reading it with a reader that has none; False when none is left."""
        nonlocal claimed
        size = batch_size if limit is None else min(batch_size, limit - claimed)
        if size <= 0:
            return False
        condition = to_do()
        if size > MIN_BATCH:
            size = min(size, max(MIN_BATCH, _left(db, condition) // SHARE_OF_WHAT_IS_LEFT))
        batch = claim_batch(db, worker, size, condition)
        if not batch:
            return False
        claimed += len(batch)
        free = min(set(range(len(readers))) - {r for _, _, r in reading})
        reading.append((batch, readers[free](batch), free))
        return True

    while len(reading) < len(readers) and start_next():
        pass
    while reading:
        batch, pages, _ = reading.popleft()
        works = pages()
        summary.documents += len(batch)
        start_next()  # with the reader just freed
        _analyse_and_store(db, works, summary, replace_pages)
        if progress:
            progress(len(batch))


def _left(db: Database, to_do: ColumnElement[bool]) -> int:
    """How many documents ``to_do`` selects."""
    with db.session() as session:
        return session.scalar(select(func.count(Document.id)).where(to_do)) or 0


def _to_analyse(now: dt.datetime, lease: dt.timedelta, stopped: list[str]) -> ColumnElement[bool]:
    """Pending documents, and those whose worker died: its claim is older than the lease, or it was
    a process of this machine that no longer runs (``stopped``)."""
    return or_(
        Document.status == DocumentStatus.PENDING,
        and_(
            Document.status == DocumentStatus.ANALYSING,
            or_(Document.claimed_at < now - lease, Document.claimed_by.in_(stopped)),
        ),
    )


def stopped_workers_of(db: Database) -> list[str]:
    """The workers of this machine that hold documents and no longer run."""
    with db.session() as session:
        holders = session.scalars(
            select(Document.claimed_by).where(Document.status == DocumentStatus.ANALYSING).distinct()
        )
        return stopped_workers(w for w in holders if w)


def _give_up_on_killers(
    db: Database, now: dt.datetime, lease: dt.timedelta, stopped: list[str], summary: AnalysisSummary
) -> None:
    """Fail the documents whose worker died on each of their last claims, rather than claim them again."""
    reason = (
        f"analysis stopped: the worker died {MAX_ATTEMPTS} times while reading this document (out of memory, "
        "or killed); it is not tried again until its file changes"
    )
    with db.session() as session:
        killers = (
            _to_analyse(now, lease, stopped)
            & (Document.status == DocumentStatus.ANALYSING)
            & (Document.analysis_attempts >= MAX_ATTEMPTS)
        )
        for doc_id, url in session.execute(select(Document.id, Document.url).where(killers)).all():
            session.execute(
                update(Document)
                .where(Document.id == doc_id, killers)
                .values(
                    status=DocumentStatus.FAILED, error=reason, claimed_by=None, claimed_at=None, analysis_attempts=0
                )
            )
            summary.failed += 1
            summary.errors.append(f"{url}: {reason}")
            log.warning("Document %s: %s", url, reason)


def _stale(db: Database) -> ColumnElement[bool] | None:
    """The analysed documents whose lexicon version is not today's (None: no document is analysed)."""
    with db.session() as session:
        languages = list(
            session.scalars(select(Document.language).where(Document.status == DocumentStatus.ANALYSED).distinct())
        )
    if not languages:
        return None
    # Every analyzer loads the same lexicon folder, so this is one version; a set keeps a document
    # stored under any current version from being taken again and again.
    current = {_analyzer(_supported(language)).lexicon_version for language in languages}
    return and_(
        Document.status == DocumentStatus.ANALYSED,
        or_(Document.lexicon_version.is_(None), Document.lexicon_version.notin_(current)),
    )


def _analyzer(language: str) -> Analyzer:
    # Imported on first use: spaCy takes most of a second to import, which a scheduled run with
    # nothing new to analyse should not pay.
    from nlp.analyze import Analyzer

    return Analyzer.for_language(language)


def _supported(language: str | None) -> str:
    return declared_language(language)[0] or "fr"  # "=de" (a source that insists) is German too


def _extract(
    db: Database, blobs: BlobStore, sandbox: Sandbox, ids: list[int], summary: AnalysisSummary
) -> Callable[[], list[_Work]]:
    """Start extracting the files of a batch in the sandbox; the function returned collects their
    pages, recording each failure on its document."""
    with db.session() as session:
        # A document deleted since it was claimed (its source was removed) is simply not there.
        docs = session.execute(
            select(Document.id, Document.url, Document.language, Document.content_hash, Document.media_type)
            .where(Document.id.in_(ids))
            .order_by(Document.id)
        ).all()
    readable = []
    for doc in docs:
        if doc.content_hash is None or not blobs.exists(doc.content_hash):
            _failed(db, doc.id, doc.url, "no stored file: crawl the source again", summary)
        else:
            readable.append(doc)
    outcomes = sandbox.extract_all(
        [Job(str(blobs.path(d.content_hash)), d.media_type, d.url, _supported(d.language)) for d in readable]
    )

    def collect() -> list[_Work]:
        works, renewed, worker = [], time.monotonic(), worker_name()
        for doc, outcome in zip(readable, outcomes):
            if isinstance(outcome, ExtractionError):
                _failed(db, doc.id, doc.url, str(outcome), summary)
            else:
                works.append(_Work(doc.id, document_language(outcome.pages, doc.language), outcome))
            if time.monotonic() - renewed > RENEW_EVERY_S:
                with db.session() as session:
                    renew_claims(session, Document, worker)
                renewed = time.monotonic()
        return works

    return collect


def _failed(db: Database, doc_id: int, url: str, reason: str, summary: AnalysisSummary) -> None:
    with db.session() as session:
        session.execute(
            update(Document)
            .where(Document.id == doc_id)
            .values(
                status=DocumentStatus.FAILED,
                error=f"extraction failed: {reason}",
                claimed_by=None,
                claimed_at=None,
                analysis_attempts=0,
            )
        )
    summary.failed += 1
    summary.errors.append(f"{url}: {reason}")
    log.warning("Document %s: extraction failed: %s", url, reason)


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
        analysed = list(zip(group, analyzer.analyze_documents([w.extraction.pages for w in group])))
        # The batch is written in one transaction. Writers of one council take turns (nlp.store), and
        # on SQLite every writer does: a worker had better wait for its turn once a batch than once
        # a document.
        with db.session() as session:
            stored = store_analyses(
                session,
                [Analysed(w.id, w.extraction, found, analyzer.lexicon_version) for w, found in analysed],
                replace_pages,
            )
        for (work, _), new_hits in zip(analysed, stored):
            if new_hits is not None:
                summary.new_hits += new_hits
                summary.pages += len(work.extraction.pages)
