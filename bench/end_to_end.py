"""End to end: `vigie run` from the first request to the last alert, its pages per second and peak memory.

A fresh installation crawls ``councils`` councils of the corpus site (each the whole corpus, see
:mod:`bench.site`), extracts and analyses every document, and alerts one subscription (an
apprise JSON webhook on loopback). Growth runs the same at 1×, 2× and 4× the councils.
"""

from __future__ import annotations

from pathlib import Path

from bench.alerts import WebhookSink
from bench.corpus import Corpus
from bench.site import CorpusSite
from bench.workspace import Workspace
from storage.models import Subscription


def _subscribe(workspace: Workspace, sink: WebhookSink) -> None:
    db = workspace.database()
    with db.session() as session:
        session.add(
            Subscription(
                name="collectif-bench",
                urls=[sink.apprise_url("hook/e2e")],
                tags=[],
                filters={},
                mode="immediate",
                language="fr",
            )
        )
    db.dispose()


def run_once(corpus: Corpus, site: CorpusSite, councils: int, work: Path, database_url: str, again: int = 0) -> dict:
    """One `vigie run` over ``councils`` councils: seconds, pages per second, peak memory.

    With ``again``, `vigie run` of the unchanged corpus follows ``again`` times, as the next nights'
    scheduled runs would: ``rerun_seconds`` is the fastest (a run of under a second is moved by a
    tenth of a second of the machine's noise, which a forty-second run averages out), and every
    one of them is in ``rerun_rounds_s``.
    """
    with Workspace(work / f"e2e-{councils}", database_url) as workspace, WebhookSink() as sink:
        workspace.add_councils([site.council_url(k) for k in range(1, councils + 1)])
        workspace.vigie("status")  # creates the database, so that the subscription exists before the run
        _subscribe(workspace, sink)
        measure = workspace.vigie("run", timeout=3600)
        record = workspace.last_run()
        run_seconds, summary = record["run_s"], record["summary"]
        received = sink.received.value
        reruns = []
        for _ in range(again):
            reruns.append(workspace.vigie("run", timeout=3600).seconds)
            rerun_summary = workspace.last_run()["summary"]
            if rerun_summary.get("documents_new") or rerun_summary.get("new_hits") or rerun_summary.get("alerts_sent"):
                raise RuntimeError(f"a second `vigie run` of an unchanged corpus did work again: {rerun_summary}")
    pages = corpus.pages * councils
    if summary.get("documents_new") != corpus.documents * councils:
        raise RuntimeError(
            f"`vigie run` stored {summary.get('documents_new')} documents of {corpus.documents * councils}"
        )
    return {
        "councils": councils,
        "documents": corpus.documents * councils,
        "pages": pages,
        "seconds": round(measure.seconds, 1),
        "run_seconds": round(run_seconds, 1),
        **(
            {
                "rerun_seconds": round(min(reruns), 2),
                "rerun_rounds_s": [round(seconds, 2) for seconds in reruns],
                "rerun_documents_unchanged": rerun_summary.get("documents_unchanged"),
            }
            if again
            else {}
        ),
        "pages_per_s": round(pages / measure.seconds, 1),
        "peak_rss_mb": round(measure.peak_rss_mb, 1),
        "new_hits": summary.get("new_hits"),
        "alerts_sent": summary.get("alerts_sent"),
        "webhook_messages": received,
    }


def growth(corpus: Corpus, site: CorpusSite, work: Path, database_url: str, factors=(1, 2, 4)) -> dict:
    """`vigie run` at 1×, 2× and 4× the corpus: time should grow linearly, peak memory stay flat."""
    runs = {f"{factor}x": run_once(corpus, site, factor, work, database_url) for factor in factors}
    first, last = runs[f"{factors[0]}x"], runs[f"{factors[-1]}x"]
    return {
        "runs": runs,
        "growth_time_ratio_4x": round(last["seconds"] / first["seconds"], 2),
        "growth_peak_rss_ratio_4x": round(last["peak_rss_mb"] / first["peak_rss_mb"], 2),
    }
