"""Analysis workers that run beside the crawl of `vigie run`, so that the stages overlap.

The crawl stores documents as it downloads them; ``count`` worker processes (``vigie run
--workers``, by default the machine's cores) claim and analyse them meanwhile, each as `vigie
analyze` does (:func:`nlp.stage.analyse_pending`: claims in the database, so that no document is
analysed twice). When a worker finds nothing pending it waits a moment and looks again, until
the crawl is over; then it drains what is left and stops, sending back what it did.

A worker that dies leaves its claimed documents in the database: the last pass of the run
(:func:`vigie.jobs.analyse_and_alert`, in the run's own process) takes them back at once, since
a stopped process of this machine is known to be gone (:func:`storage.queue.stopped_workers`).
So nothing is lost, and nothing is analysed twice.

The workers are processes, not threads: extraction and analysis are CPU work in Python, and
each worker gets a core of its own (its extraction sandbox is one more process).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

# Imported by the workers' fork server before it forks them (what each would otherwise load).
PRELOAD = ["vigie.preload"]
# How long a worker that found nothing to do waits before it looks again (seconds): documents
# arrive in bursts of a listing's downloads, and a look costs two small queries.
POLL_S = 0.5


def default_workers() -> int:
    """``--workers`` by default: one per core of the machine (of those this process may use)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass
class WorkerReport:
    """What one worker did (an :class:`nlp.stage.AnalysisSummary`'s counts), or why it stopped."""

    documents: int = 0
    failed: int = 0
    pages: int = 0
    new_hits: int = 0
    errors: list[str] = field(default_factory=list)
    stopped: str | None = None  # an unexpected error that ended the worker


def follow_crawl(
    database_url: str, data_dir: str, limits, crawl_done, poll_s: float = POLL_S, analyse=None
) -> WorkerReport:
    """Analyse pending documents until ``crawl_done()`` is true and none is left; returns the counts.

    ``crawl_done`` is read before each pass: a pass that starts after the crawl ended sees every
    document the crawl stored, so the last pass leaves nothing behind. ``analyse`` is
    :func:`nlp.stage.analyse_pending` (a test may count its calls).
    """
    from nlp.stage import analyse_pending
    from storage.db import Database

    analyse = analyse or analyse_pending
    db = Database(database_url, migrate=False)
    report = WorkerReport()
    try:
        while True:
            finished = crawl_done()
            summary = analyse(db, data_dir, limits=limits)
            report.documents += summary.documents
            report.failed += summary.failed
            report.pages += summary.pages
            report.new_hits += summary.new_hits
            report.errors += summary.errors
            if finished:
                return report
            if not summary.documents:
                time.sleep(poll_s)
    finally:
        db.dispose()


def _worker_main(database_url: str, data_dir: str, limits, done, out: Connection, log_level: str) -> None:
    """A worker process: follow the crawl, send the report back through ``out``."""
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s analysis worker %(process)d: %(message)s")
    try:
        report = follow_crawl(database_url, data_dir, limits, done.is_set)
    except Exception as exc:
        log.error("The analysis worker stopped on an unexpected error", exc_info=True)
        report = WorkerReport(stopped=f"{type(exc).__name__}: {exc}")
    out.send(report)
    out.close()


class AnalysisWorkers:
    """``count`` worker processes analysing beside the crawl; a context manager.

    :meth:`start` them when there is work (during the crawl), call :meth:`crawl_finished` after
    it, and :meth:`reports` for what they did (it waits for them)."""

    def __init__(self, database_url: str, data_dir: str, limits, count: int, log_level: str = "WARNING") -> None:
        self.count = count
        # Forked from a server process that has loaded the analysis (vigie.preload) and holds no
        # connection: each worker starts with spaCy and the lexicon ready, and shares their memory.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        # Made when the workers start (a run with nothing new starts none, and makes no process).
        self._done: Any = None
        self._finished = False
        self._args = (database_url, str(data_dir), limits)
        self._log_level = log_level
        self._workers: list[tuple[multiprocessing.Process, Connection]] = []
        self._starting: threading.Thread | None = None

    def __enter__(self) -> AnalysisWorkers:
        return self

    def warm_up(self) -> None:
        """Start the fork server, which loads the analysis (seconds of a core), without starting workers.

        Called when the crawl starts: the workers the first new document asks for are then forked
        from a server that has (nearly) finished loading. A run that stores nothing new starts none;
        the server then ends with this process, once it has loaded."""
        if self._starting is None:
            try:
                forkserver.ensure_running()
            except Exception:  # the workers' start tries again, and reports it
                log.debug("The analysis workers' fork server could not start ahead of them", exc_info=True)

    def start(self) -> None:
        """Start the workers (once; later calls do nothing), without waiting for them.

        The fork server loads the analysis before it forks the first worker (seconds): the crawl,
        which calls this at its first new document, goes on meanwhile."""
        if self._starting is None:
            self._done = self._context.Event()
            if self._finished:
                self._done.set()
            self._starting = threading.Thread(target=self._start_processes, name="vigie-analysis-start", daemon=True)
            self._starting.start()

    @property
    def started(self) -> bool:
        """Whether there was something to analyse: the workers were asked to start."""
        return self._starting is not None

    def _start_processes(self) -> None:
        try:
            self._fork_workers()
        except Exception:  # what they would have done, the run's own last pass does
            log.error("The analysis workers could not start; the analysis runs after the crawl", exc_info=True)

    def _fork_workers(self) -> None:
        for _ in range(self.count):
            receive, send = self._context.Pipe(duplex=False)
            process = self._context.Process(
                target=_worker_main,
                name="vigie-analysis",
                args=(*self._args, self._done, send, self._log_level),
                daemon=True,
            )
            process.start()
            send.close()
            self._workers.append((process, receive))

    def _started(self) -> None:
        """Wait until the workers asked for are started."""
        if self._starting is not None:
            self._starting.join()

    def crawl_finished(self) -> None:
        """Tell the workers that no document will come: they drain what is left and stop."""
        self._finished = True
        if self._done is not None:
            self._done.set()

    def reports(self) -> list[WorkerReport]:
        """Wait for every worker; what each did (a worker that died reports how)."""
        self.crawl_finished()
        self._started()
        reports = []
        for process, receive in self._workers:
            try:
                report = receive.recv()
            except EOFError:  # it died without a word (killed, out of memory)
                report = None
            process.join()
            if report is None:
                report = WorkerReport(stopped=f"the worker process ended with exit code {process.exitcode}")
            reports.append(report)
        self._workers = []
        return reports

    def __exit__(self, *exc) -> None:
        self.crawl_finished()
        self._started()
        for process, _ in self._workers:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
