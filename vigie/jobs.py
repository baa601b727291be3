"""The jobs behind `vigie run`, `vigie crawl` and `vigie demo`: crawl, analyse, alert, and record the run.

Each stage runs whatever happened in the one before: a crawl or an analysis that stops on an
unexpected error is recorded in the run's summary (and its exit status), and the alerts owed
are still sent. No council's file can silence the alerts of the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from spiders.registry import SourceSpec
from storage.db import Database
from storage.models import CrawlRun, SourceRun, utcnow
from vigie.config import Config

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """What one run did, printed at its end and stored in its ``crawl_runs`` row."""

    run_id: int
    sources: dict[str, str] = field(default_factory=dict)  # source id -> ok, empty, failed
    errors: dict[str, str] = field(default_factory=dict)
    documents_new: int = 0
    documents_changed: int = 0
    documents_unchanged: int = 0
    documents_failed: int = 0
    analysed: int = 0
    new_hits: int = 0
    analysis_failed: int = 0
    analysis_errors: list[str] = field(default_factory=list)  # "url: reason", the first few
    alerts_sent: int = 0
    alert_failures: int = 0
    stopped: list[str] = field(default_factory=list)  # stages that ended on an unexpected error

    @property
    def failed_sources(self) -> list[str]:
        return sorted(s for s, status in self.sources.items() if status == "failed")

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_sources or self.alert_failures or self.stopped else 0

    def lines(self) -> list[str]:
        """A short human summary, printed at the end of a run."""
        ok = sum(1 for s in self.sources.values() if s == "ok")
        empty = [s for s, st in self.sources.items() if st == "empty"]
        out = [
            f"Run #{self.run_id}: {len(self.sources)} source(s) crawled: {ok} ok, "
            f"{len(empty)} empty, {len(self.failed_sources)} failed",
            f"Documents: {self.documents_new} new, {self.documents_changed} changed, "
            f"{self.documents_unchanged} unchanged, {self.documents_failed} failed",
            f"Analysis: {self.analysed} document(s), {self.new_hits} new hit(s)"
            + (f", {self.analysis_failed} failed" if self.analysis_failed else ""),
            f"Alerts: {self.alerts_sent} finding(s) sent"
            + (f", {self.alert_failures} channel failure(s)" if self.alert_failures else ""),
        ]
        for source in self.failed_sources + empty:
            out.append(f"  {source}: {self.sources[source]}: {self.errors.get(source) or ''}".rstrip(": "))
        out += [f"  failed: {error}" for error in self.analysis_errors]
        if self.analysis_failed > len(self.analysis_errors):
            out.append(
                f"  … and {self.analysis_failed - len(self.analysis_errors)} more: `vigie documents --status failed`"
            )
        out += [f"Stopped: {problem}" for problem in self.stopped]
        return out


def start_run(db: Database, command: str) -> int:
    """Record the start of a run of ``command``; returns the run's id."""
    with db.session() as session:
        run = CrawlRun(command=command)
        session.add(run)
        session.flush()
        return run.id


def finish_run(db: Database, summary: RunSummary) -> None:
    with db.session() as session:
        run = session.get(CrawlRun, summary.run_id)
        run.finished_at, run.exit_code = utcnow(), summary.exit_code
        run.summary = {k: v for k, v in asdict(summary).items() if k != "run_id"}


def collect_crawl(db: Database, summary: RunSummary, specs: list[SourceSpec]) -> None:
    """Fill the summary from the source_runs rows the crawl wrote."""
    with db.session() as session:
        rows = list(session.scalars(select(SourceRun).where(SourceRun.run_id == summary.run_id)))
    by_source = {r.source_id: r for r in rows}
    for spec in specs:
        row = by_source.get(spec.id)
        if row is None:
            # The spider never closed normally (it could not even start): that is a failure.
            summary.sources[spec.id], summary.errors[spec.id] = "failed", "the crawl did not run"
            continue
        summary.sources[spec.id] = row.status
        if row.error:
            summary.errors[spec.id] = row.error
        summary.documents_new += row.documents_new
        summary.documents_changed += row.documents_changed
        summary.documents_unchanged += row.documents_unchanged
        summary.documents_failed += row.documents_failed


def crawl_sources(
    config: Config,
    db: Database,
    specs: list[SourceSpec],
    command: str,
    overrides: dict | None = None,
    on_new_document: Callable[[], None] | None = None,
    on_crawl: Callable[[], None] | None = None,
) -> RunSummary:
    """Crawl the sources (concurrently) and record the run. Call once per process (Twisted).

    ``on_new_document``: see :func:`vigie.crawl.crawl`; ``on_crawl`` is called before the crawl
    starts, when some source's listings changed (none is called for a run with nothing to crawl)."""
    from vigie.crawl import crawl, skip_unchanged, sync_sources
    from vigie.maintainers import report_new_problems

    sync_sources(db, specs)
    summary = RunSummary(start_run(db, command))
    if specs:
        with _stage(summary, "crawl"):
            # Sources whose listings are as their last complete crawl read them are recorded
            # without a crawl; with none left, Scrapy is not even imported.
            to_crawl = skip_unchanged(config, db, specs, summary.run_id, overrides)
            if to_crawl:
                if on_crawl is not None:
                    on_crawl()
                crawl(config, to_crawl, summary.run_id, overrides, on_new_document)
    collect_crawl(db, summary, specs)
    # Sources that start failing or go silent are the maintainers' business, not subscribers'.
    report_new_problems(config, db, specs, summary.run_id)
    return summary


def extraction_limits(config: Config):
    """What reading one document may take (:class:`nlp.sandbox.Limits`), from the settings."""
    from nlp.sandbox import Limits

    return Limits(memory_mb=config.analysis_memory_mb, time_s=config.analysis_time_limit_s)


def analyse_documents(config: Config, db: Database, limit: int | None = None):
    """Analyse the pending documents (at most ``limit``), with a progress bar or progress log lines;
    returns the :class:`nlp.stage.AnalysisSummary`."""
    from nlp.stage import analyse_pending, pending_count
    from vigie.progress import Progress

    limits = extraction_limits(config)
    total = pending_count(db, limits)
    with Progress("analysis", total=min(total, limit) if limit else total, unit="documents") as progress:
        return analyse_pending(db, config.data_path, limit=limit, progress=progress.advance, limits=limits)


# Failed documents named in a run's summary; the others are counted.
SUMMARY_ERRORS = 10


def analyse_and_alert(config: Config, db: Database, summary: RunSummary) -> None:
    """Analyse what is pending and send the alerts owed, adding the counts to ``summary``.

    The alerts are sent even when the analysis stopped: those owed from earlier runs, at least.
    """
    with _stage(summary, "analysis"):
        # The analysis modules (spaCy, pdfium) are loaded only when there is something to analyse.
        if documents_to_analyse(db):
            analysis = analyse_documents(config, db)
            _count_analysis(summary, analysis)
    with _stage(summary, "alerts"):
        from notify.due import alerts_may_be_owed

        with db.session() as session:
            owed = alerts_may_be_owed(session)
        if owed:  # apprise and the templates are loaded only then
            from notify.deliver import send_pending

            delivery = send_pending(db, config.notifier_settings())
            summary.alerts_sent, summary.alert_failures = delivery.findings_sent, len(delivery.failures)


def prepare_alerts(config: Config, db: Database) -> None:
    """Load the notifier ahead of the alerts stage when there is someone to alert; a failure here
    is the alerts stage's to report, not this one's."""
    from storage.models import Subscription

    try:
        with db.session() as session:
            if session.scalar(select(Subscription.id).where(Subscription.paused.is_(False)).limit(1)) is None:
                return
        from notify.deliver import prepare

        prepare(config.notifier_settings())
    except Exception:
        log.debug("The notifier could not be loaded ahead of the alerts", exc_info=True)


def documents_to_analyse(db: Database) -> bool:
    """Whether a document is pending or being analysed (perhaps by a worker that died)."""
    from storage.models import Document

    with db.session() as session:
        return (
            session.scalar(select(Document.id).where(Document.status.in_(("pending", "analysing"))).limit(1))
            is not None
        )


def _count_analysis(summary: RunSummary, analysis) -> None:
    """Add what an analysis pass (or a worker) did to the run's summary."""
    summary.analysed += analysis.documents
    summary.new_hits += analysis.new_hits
    summary.analysis_failed += analysis.failed
    summary.analysis_errors = (summary.analysis_errors + analysis.errors)[:SUMMARY_ERRORS]


@contextmanager
def _stage(summary: RunSummary, name: str) -> Iterator[None]:
    """Run one stage of the job; an unexpected error is logged and recorded, and the job goes on."""
    try:
        yield
    except Exception as exc:
        log.error("The %s stopped on an unexpected error; the run goes on without it", name, exc_info=True)
        summary.stopped.append(f"the {name}: {type(exc).__name__}: {exc}")


def run_job(
    config: Config,
    db: Database,
    specs: list[SourceSpec],
    command: str,
    overrides: dict | None = None,
    workers: int | None = None,
) -> RunSummary:
    """The whole job: crawl ``specs``, analyse, alert and record the run. The caller holds the run
    lock (:func:`vigie.lock.exclusive_run`). Call once per process (Twisted).

    ``workers`` analysis processes (default: the setting ``analysis_workers``, else one per core; 0: none) analyse the documents
    while the crawl stores them (:mod:`vigie.workers`); what they leave, this process analyses
    after the crawl, and the alerts go out at the end.
    """
    from vigie.workers import AnalysisWorkers, default_workers

    if workers is None:
        workers = config.analysis_workers
    count = default_workers() if workers is None else workers
    if count <= 0 or not specs:
        summary = crawl_sources(config, db, specs, command, overrides)
    else:
        # Started at the first new document (or now, if documents wait from before): a run that
        # finds nothing new starts no worker at all. Their fork server loads the analysis as soon as
        # there is something to crawl, on a core that would wait for the crawl's first documents.
        with AnalysisWorkers(
            config.database, config.data_path.resolve(), extraction_limits(config), count, config.log_level
        ) as pool:
            if documents_to_analyse(db):
                pool.start()
            summary = crawl_sources(
                config, db, specs, command, overrides, on_new_document=pool.start, on_crawl=pool.warm_up
            )
            pool.crawl_finished()
            if pool.started:  # new documents: findings, perhaps alerts
                prepare_alerts(config, db)  # while the workers finish
            for report in pool.reports():
                _count_analysis(summary, report)
                if report.stopped:
                    summary.stopped.append(f"an analysis worker: {report.stopped}")
    analyse_and_alert(config, db, summary)
    finish_run(db, summary)
    return summary
