"""`vigie status`: the last runs with their summary, a run's sources, and the work waiting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from storage.db import Database
from storage.models import CrawlRun, Document, Source, SourceRun
from tests.ops.sites import build_council_site

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


def jsonl(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_status_shows_a_real_crawl_with_its_summary(run_vigie, cli, serve, tmp_path: Path) -> None:
    build_council_site(tmp_path / "site", 3)
    site = serve(tmp_path / "site")
    crawl = run_vigie("crawl", "--platform", "html", "--url", f"{site}/deliberations/", "--source", "ville")
    assert crawl.returncode == 0, crawl.stderr
    [row] = jsonl(cli("status", "--format", "jsonl"))
    assert (row["command"], row["exit_code"], row["sources"], row["sources_failed"], row["documents_new"]) == (
        "crawl",
        0,
        1,
        0,
        3,
    )
    [source] = jsonl(cli("status", "--run", str(row["run"]), "--format", "jsonl"))
    assert (source["source"], source["status"], source["documents_new"]) == ("ville", "ok", 3)


def add_runs(db: Database) -> None:
    """Run 1 finished with a failed source; run 2 was killed midway (no summary, one source recorded)."""
    with db.session() as session:
        session.add_all(
            [
                Source(id=s, name=s, country="FR", platform="html", url=f"http://127.0.0.1/{s}/")
                for s in ("ville-a", "ville-b")
            ]
        )
        session.add(
            CrawlRun(
                id=1,
                command="run",
                started_at=T0,
                finished_at=T0 + dt.timedelta(seconds=90),
                exit_code=1,
                summary={
                    "sources": {"ville-a": "ok", "ville-b": "failed"},
                    "documents_new": 4,
                    "documents_changed": 1,
                    "documents_failed": 0,
                    "analysed": 5,
                    "new_hits": 2,
                    "alerts_sent": 2,
                },
            )
        )
        session.add(CrawlRun(id=2, command="run", started_at=T0 + dt.timedelta(days=1)))
        session.add(
            SourceRun(run_id=2, source_id="ville-a", started_at=T0 + dt.timedelta(days=1), status="ok", documents_new=7)
        )
        session.add(Document(source_id="ville-a", url="http://127.0.0.1/ville-a/1.pdf", status="pending", extra={}))


def test_status_lists_runs_newest_first_finished_or_not(db: Database, cli) -> None:
    add_runs(db)
    rows = jsonl(cli("status", "--format", "jsonl"))
    assert [(r["run"], r["exit_code"], r["documents_new"], r["sources_failed"], r["failed_sources"]) for r in rows] == [
        (2, "unfinished", 7, 0, ""),
        (1, 1, 4, 1, "ville-b"),
    ]
    assert (rows[1]["duration_s"], rows[1]["new_hits"], rows[1]["alerts_sent"]) == (90.0, 2, 2)


def test_status_table_says_how_much_work_is_waiting(db: Database, cli) -> None:
    add_runs(db)
    result = cli("status", "--last", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["run", "command", "started_at"]
    assert lines[1].split()[0] == "2" and len(lines) == 3
    assert lines[-1] == "Waiting: 1 document(s) to analyse, 0 alert delivery(ies) to send."


def test_status_of_an_unknown_run_is_a_clear_error(db: Database, cli) -> None:
    result = cli("status", "--run", "42")
    assert result.exit_code == 2
    assert "no run #42" in result.output


def test_status_shows_a_document_held_by_a_worker_that_stopped(db: Database, cli, data_dir) -> None:
    # The analysis process was killed (out of memory, say) while it held the document.
    from nlp import stage
    from tests.nlp.test_stage import add_document, stopped_worker

    add_document(db, data_dir, "bombe.pdf", b"%PDF-1.7")
    worker = stopped_worker()
    stage.claim_batch(db, worker, 32)

    lines = cli("status").output.splitlines()

    assert lines[-3] == "Waiting: 1 document(s) to analyse, 0 alert delivery(ies) to send."
    assert lines[-2].endswith(
        "0 being analysed, 1 held by a worker that stopped (analysed again, alone, at the next analysis)."
    )
    assert lines[-1].startswith(f"  stopped   https://x.example/bombe.pdf (worker {worker}, since ")
    assert lines[-1].endswith("UTC, attempt 1: failed if its worker stops again)")
