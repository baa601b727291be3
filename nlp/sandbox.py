"""Extraction in a sandbox: a worker process that reads document after document, under limits.

pdfium and Tesseract run native code on files anyone can publish. A 7 KB PDF whose form objects
draw each other 4^20 times, or a 2 MB stream inflating to gigabytes, grows a reader past any
machine's memory, and when the process that dies is the one analysing, its whole batch dies
with it. So files are read in a child process with an address-space limit (``RLIMIT_AS``) and a
wall-clock limit per document: a document that breaks one fails alone, with the limit it broke
("resource limit exceeded: memory (…)"), the worker is replaced, and the batch goes on.

One long-lived worker reads the documents one after another, from their paths, and sends back
only their pages of text: a pool exchanging pickled pages was slower than one process (see
:mod:`nlp.stage`), and starting a process per document would cost more than most documents.
"""

from __future__ import annotations

import logging
import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from nlp.extract import Extraction, ExtractionError

log = logging.getLogger(__name__)

# While a document is read, the worker's memory is looked at this often (seconds): how it died is
# told from how close it was to its limit.
SAMPLE_S = 0.25
# A worker killed by a signal at this share of its memory limit or above ran out of it.
NEAR_LIMIT = 0.8
# More text than a council publishes in one file (a 600-page register holds about 2 million
# characters); beyond it, the analysis process would pay for the text of a hostile file.
MAX_TEXT_CHARS = 50_000_000


@dataclass(frozen=True)
class Limits:
    """What reading one document may take: the worker's address space, in megabytes, and the
    wall-clock time, in seconds."""

    memory_mb: int = 2048
    time_s: float = 900


@dataclass(frozen=True)
class Job:
    """A file to extract: its path, and what :func:`nlp.extract.extract` takes besides its bytes."""

    path: str
    media_type: str | None = None
    name: str | None = None
    language: str | None = None


class LimitExceeded(ExtractionError):
    """A document broke a limit of the sandbox; the message names the resource."""


def limit_exceeded(resource_name: str, detail: str) -> LimitExceeded:
    return LimitExceeded(f"resource limit exceeded: {resource_name} ({detail})")


class Sandbox:
    """Reads files in a worker process, replaced whenever a document breaks a limit or kills it.

    Use it as a context manager, so that the worker stops with the work::

        with Sandbox(Limits(memory_mb=1024)) as sandbox:
            for job, outcome in zip(jobs, sandbox.extract_all(jobs)):
                ...  # an Extraction, or the ExtractionError saying why that file failed
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._worker: _Worker | None = None
        self._unread: deque[Job] = deque()  # jobs sent whose outcomes were not read yet

    def extract_all(self, jobs: list[Job]) -> Iterator[Extraction | ExtractionError]:
        """Each job's :class:`Extraction`, or the :class:`ExtractionError` saying why it failed, in order.

        The jobs are sent at once: the worker reads them while the caller does other work (the
        analysis of the previous batch), and its answers wait in this process until asked for.
        Ask for every outcome of one call before the next call.
        """
        if self._unread and self._worker is not None:
            self._worker.stop()  # the outcomes of the previous call were not all read: start afresh
            self._worker = None
        remaining = self._unread = deque(jobs)
        if remaining:
            self._send(remaining)
        return self._outcomes(remaining)

    def _send(self, remaining: deque[Job]) -> None:
        self._worker = self._worker or _Worker(self.limits)
        self._worker.send(list(remaining))

    def _outcomes(self, remaining: deque[Job]) -> Iterator[Extraction | ExtractionError]:
        try:
            while remaining:
                outcome, alive = self._worker.receive(self.limits)
                remaining.popleft()
                if not alive:
                    self._worker = None
                    if remaining:
                        self._send(remaining)  # the rest goes to a new worker
                yield outcome
        finally:
            if remaining and self._worker is not None:
                # Abandoned midway: the worker would still be answering jobs nobody reads.
                self._worker.stop()
                self._worker = None

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class _Worker:
    """One child process and its socket, seen from the parent."""

    def __init__(self, limits: Limits) -> None:
        # A new interpreter (not a fork: the parent holds database connections, threads and
        # spaCy), started as a plain command rather than by multiprocessing, which would run
        # the parent's main script again in the child. Its own session: killing its process
        # group kills the Tesseract processes it started, and a Ctrl-C reaches the parent only.
        ours, theirs = socket.socketpair()
        path = os.pathsep.join(p for p in sys.path if p)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from nlp.sandbox import main; main()",
                str(theirs.fileno()),
                str(limits.memory_mb),
                str(log.getEffectiveLevel()),
            ],
            pass_fds=(theirs.fileno(),),
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
        theirs.close()
        self.connection = Connection(ours.detach())
        self.peak_kb = 0
        # The worker's answers, each with the moment it came, read as they come by a thread: the
        # worker never waits for this process to ask (the socket's buffer holds a few pages only).
        self.answers: queue.Queue[tuple[float, tuple[Any, ...] | None]] = queue.Queue()
        self.started_at = time.monotonic()
        self.pump = threading.Thread(target=self._pump, name="vigie-extraction-answers", daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        try:
            while True:
                self.answers.put((time.monotonic(), self.connection.recv()))
        except (EOFError, OSError):
            self.answers.put((time.monotonic(), None))  # the worker is gone, or stopped by us

    def send(self, jobs: list[Job]) -> None:
        self.connection.send(jobs)
        self.started_at = time.monotonic()

    def receive(self, limits: Limits) -> tuple[Extraction | ExtractionError, bool]:
        """The next document's outcome, and whether the worker lives on to read the next one."""
        # The worker starts on a document as soon as it has answered the previous one. Its answer
        # may have come long ago, while this process was busy: it is looked for before the clock.
        deadline = self.started_at + limits.time_s
        while True:
            try:
                answered_at, answer = self.answers.get(timeout=max(min(deadline - time.monotonic(), SAMPLE_S), 0))
                break
            except queue.Empty:
                if time.monotonic() >= deadline:
                    self.stop()
                    return limit_exceeded("time", f"more than {limits.time_s:g} s"), False
                self._sample()
        if answer is None:
            return self._died(limits), False
        kind, payload, alive = answer
        self.started_at = answered_at
        if not alive:
            self.close()
        if kind == "pages":
            return payload, alive
        if kind == "limit":
            return limit_exceeded(*payload), alive
        return ExtractionError(payload), alive

    def _sample(self) -> None:
        """Note the worker's peak address space (Linux), to know later whether memory killed it."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmPeak:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                        break
        except (OSError, ValueError):
            pass

    def _died(self, limits: Limits) -> ExtractionError:
        try:
            code = self.process.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        self.stop()
        signal_number = -code if code is not None and code < 0 else None
        # pdfium aborts (SIGABRT) when an allocation is refused; other crashes are told apart by
        # how close the worker came to its limit.
        if signal_number == signal.SIGABRT or self.peak_kb >= NEAR_LIMIT * limits.memory_mb * 1024:
            return limit_exceeded("memory", f"more than {limits.memory_mb} MB")
        how = f"signal {signal.Signals(signal_number).name}" if signal_number else f"exit status {code}"
        return ExtractionError(f"the reader crashed ({how})")

    def stop(self) -> None:
        """Kill the worker and what it started (Tesseract), without waiting for it to finish."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: see __init__
        except (ProcessLookupError, PermissionError):
            self.process.kill()
        self._end()

    def close(self) -> None:
        """Let the worker end on its own (it stops when told to), killing it if it lingers."""
        try:
            self.connection.send(None)
            self.process.wait(5)
        except OSError:
            pass  # it has ended already
        except subprocess.TimeoutExpired:
            self.stop()
            return
        self._end()

    def _end(self) -> None:
        self.process.wait()
        # The socket is closed only once the thread reading it has seen its end: a descriptor
        # closed under a reading thread may be reused, and read, by another file meanwhile.
        self.pump.join(5)
        self.connection.close()


def main() -> None:
    """The worker process: ``python -c 'from nlp.sandbox import main; main()' FD MEMORY_MB LOG_LEVEL``."""
    descriptor, memory_mb, log_level = (int(arg) for arg in sys.argv[1:4])
    serve(Connection(descriptor), memory_mb, log_level)


def serve(connection, memory_mb: int, log_level: int) -> None:
    """The worker's loop: receive a list of jobs, answer each one in turn, until told to stop (None).

    Each answer is ``(kind, payload, alive)``: ``("pages", Extraction, …)``, ``("error", message,
    …)`` or ``("limit", (resource, detail), …)``; ``alive`` is False when the worker is about to
    exit (its memory ran out: its heap, or pdfium's, may be left in any state).
    """
    _limit_memory(memory_mb)
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    while True:
        try:
            jobs = connection.recv()
        except (EOFError, OSError):
            return
        if jobs is None:  # the end of the work
            return
        for job in jobs:
            answer = _read(job, memory_mb)
            connection.send(answer)
            if not answer[2]:
                return


def _limit_memory(memory_mb: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or wanted < soft:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _read(job: Job, memory_mb: int) -> tuple[str, object, bool]:
    from nlp.extract import extract

    try:
        extraction = extract(Path(job.path).read_bytes(), job.media_type, job.name, job.language)
    except MemoryError:
        return "limit", ("memory", f"more than {memory_mb} MB"), False
    except ExtractionError as exc:
        return "error", str(exc), True
    except OSError as exc:
        return "error", f"the stored file cannot be read ({exc.strerror or exc})", True
    except Exception as exc:  # one unreadable file must not stop the worker: it is reported
        log.exception("%s: unexpected error while reading it", job.name or job.path)
        return "error", f"unexpected {type(exc).__name__} while reading the file: {exc}", True
    characters = sum(len(page.text) for page in extraction.pages)
    if characters > MAX_TEXT_CHARS:
        return "limit", ("text", f"{characters:,} characters, more than {MAX_TEXT_CHARS:,}"), True
    return "pages", extraction, True
