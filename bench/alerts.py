"""Alerts: deliveries per second to a local webhook, beside apprise alone sending as many messages.

A database holds SUBSCRIPTIONS subscriptions, each with an apprise JSON webhook on loopback and
no filter, and DOCUMENTS new deliberations of HITS_PER_DOCUMENT mentions each (one finding each,
built as the analysis builds them): one run of the notifier (``notify.deliver.send_pending``)
owes every subscription every finding, renders one message per subscription and posts it. The baseline
posts the same number of messages of a similar size with apprise directly, with as many threads
as the notifier uses. The webhook answers from a process of its own.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import apprise

from bench.measure import timed
from bench.site import ServerProcess
from bench.workspace import Workspace
from nlp.findings import update_document_findings
from storage.models import Document, Hit, Source, Subscription
from vigie.config import load_config

SUBSCRIPTIONS = 200
DOCUMENTS = 5
HITS_PER_DOCUMENT = 4


class _Sink(BaseHTTPRequestHandler):
    received = None  # a multiprocessing.Value, set in the server's process

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.received.get_lock():
            self.received.value += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _sink_handler(received) -> type[_Sink]:
    _Sink.received = received
    return _Sink


class WebhookSink(ServerProcess):
    """An HTTP endpoint on loopback, in its own process, that counts the messages posted to it."""

    def __init__(self) -> None:
        self.received = multiprocessing.get_context("spawn").Value("i", 0)
        super().__init__(_sink_handler, self.received)

    def apprise_url(self, path: str) -> str:
        """The apprise URL of a JSON webhook at ``path``."""
        return f"json://127.0.0.1:{self.port}/{path}"


def _fill(workspace: Workspace, sink: WebhookSink) -> None:
    db = workspace.database()
    with db.session() as session:
        session.add(
            Source(
                id="bench-c1",
                name="Commune 1 (benchmark)",
                country="FR",
                platform="html",
                url="http://127.0.0.1/c1/deliberations/",
            )
        )
        session.add_all(
            Subscription(
                name=f"groupe-{n:03d}",
                urls=[sink.apprise_url(f"hook/{n}")],
                tags=[],
                filters={},
                mode="immediate",
                language="fr",
            )
            for n in range(SUBSCRIPTIONS)
        )
    with db.session() as session:
        for d in range(DOCUMENTS):
            doc = Document(
                source_id="bench-c1",
                url=f"http://127.0.0.1/c1/files/d{d:05d}.pdf",
                status="analysed",
                title=f"Délibération n° 2024-{d:03d} : extension de la vidéoprotection",
                extra={},
            )
            session.add(doc)
            session.flush()
            for h in range(HITS_PER_DOCUMENT):
                snippet = f"Le conseil approuve l'installation de {h + 4} caméras de vidéoprotection au centre-ville."
                session.add(
                    Hit(
                        document_id=doc.id,
                        fingerprint=f"{d:04d}{h:04d}".ljust(64, "0"),
                        kind="technology",
                        category="videosurveillance",
                        matched="caméras de vidéoprotection",
                        page=h + 1,
                        start=40,
                        end=66,
                        snippet=snippet,
                        score=0.9,
                        lexicon_version="bench",
                        details={},
                    )
                )
            session.flush()
            update_document_findings(session, doc, [])
    db.dispose()


def apprise_alone(sink: WebhookSink, messages: int, body: str, workers: int) -> float:
    def send(n: int) -> bool:
        notifier = apprise.Apprise()
        notifier.add(sink.apprise_url(f"plain/{n}"))
        return notifier.notify(title="Vigie : 4 nouvelles mentions", body=body)

    with ThreadPoolExecutor(workers) as pool:
        seconds, results = timed(lambda: list(pool.map(send, range(messages))))
    if not all(results):
        raise RuntimeError("apprise could not post to the local webhook")
    return seconds


# Rounds of each measurement, alternated (notifier, apprise, notifier, …); the fastest of each
# counts, as for the crawl rates: a run of 0.4–0.8 s on a shared 2-core machine varies by ±15 %.
ROUNDS = 5


def _notifier_round(work: Path, database_url: str, sink: WebhookSink) -> tuple[float, object, int]:
    """One run of the notifier on a fresh database: (seconds, its summary, its thread count)."""
    from notify.deliver import prepare, send_pending

    with Workspace(work / "alerts", database_url) as workspace:
        _fill(workspace, sink)
        config = load_config(environ=workspace.env())
        # apprise loads its plugins on the first URL it reads, once per process: done before both
        # measurements, so that neither pays it (the second would not). The notifier's templates
        # and labels are loaded ahead too, as `vigie run` loads them while its workers finish.
        apprise.Apprise().add(sink.apprise_url("warm-up"))
        prepare(config.notifier_settings())
        db = workspace.database()
        seconds, summary = timed(lambda: send_pending(db, config.notifier_settings()))
        db.dispose()
    if summary.failures or summary.messages_sent != SUBSCRIPTIONS:
        raise RuntimeError(f"the notifier sent {summary.messages_sent} messages: {summary.failures[:3]}")
    return seconds, summary, config.delivery_policy().workers


def run(work: Path, database_url: str) -> dict:
    body = "Nouvelle mention de caméras de vidéoprotection, page 2 : « Le conseil approuve… » " * 20
    notifier, plain = [], []
    with WebhookSink() as sink:
        for _ in range(ROUNDS):
            seconds, summary, workers = _notifier_round(work, database_url, sink)
            notifier.append(seconds)
            plain.append(apprise_alone(sink, summary.messages_sent, body, workers))
    seconds, plain_seconds = min(notifier), min(plain)
    deliveries = summary.findings_sent
    return {
        "alerts_deliveries": deliveries,
        "alerts_messages": summary.messages_sent,
        "alerts_deliveries_per_s": round(deliveries / seconds, 1),
        "alerts_messages_per_s": round(summary.messages_sent / seconds, 1),
        "alerts_apprise_messages_per_s": round(summary.messages_sent / plain_seconds, 1),
        "alerts_ratio_to_apprise": round(plain_seconds / seconds, 3),
        "alerts_rounds_s": {"notifier": [round(x, 3) for x in notifier], "apprise": [round(x, 3) for x in plain]},
    }
