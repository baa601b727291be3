"""`vigie status`: the last runs, what each source did in one run, and the work still waiting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from storage.states import DeliveryStatus
from vigie.cli.context import App, fail_config, pass_app
from vigie.cli.output import FORMATS, write_rows

if TYPE_CHECKING:
    from storage.models import CrawlRun, SourceRun

RUN_COLUMNS = (
    "run",
    "command",
    "started_at",
    "finished_at",
    "duration_s",
    "exit_code",
    "sources",
    "sources_failed",
    "documents_new",
    "documents_changed",
    "documents_failed",
    "analysed",
    "new_hits",
    "alerts_sent",
    "failed_sources",
)
SOURCE_COLUMNS = (
    "source",
    "status",
    "requests",
    "documents_new",
    "documents_changed",
    "documents_unchanged",
    "documents_failed",
    "duration_s",
    "error",
)
# Counts a run's summary holds; an unfinished run (still going, or killed) has them from source_runs.
_COUNTS = ("documents_new", "documents_changed", "documents_failed")
HELD_SHOWN = 10  # documents held by analysis workers listed one by one


def run_row(run: CrawlRun, source_runs: list[SourceRun]) -> dict:
    """One run as a row: from its stored summary, or from its source_runs while it has none."""
    summary = run.summary or {}
    statuses = summary.get("sources") or {r.source_id: r.status for r in source_runs}
    failed = sorted(s for s, status in statuses.items() if status == "failed")
    row = {
        "run": run.id,
        "command": run.command,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration_s": round((run.finished_at - run.started_at).total_seconds(), 1) if run.finished_at else None,
        "exit_code": run.exit_code if run.finished_at else "unfinished",
        "sources": len(statuses),
        "sources_failed": len(failed),
        "failed_sources": " ".join(failed),
        "analysed": summary.get("analysed"),
        "new_hits": summary.get("new_hits"),
        "alerts_sent": summary.get("alerts_sent"),
    }
    for name in _COUNTS:
        row[name] = summary[name] if name in summary else sum(getattr(r, name) for r in source_runs)
    return row


def source_row(record: SourceRun) -> dict:
    return {name: getattr(record, name) for name in SOURCE_COLUMNS if name != "source"} | {
        "source": record.source_id,
        "duration_s": round(record.duration_s, 1),
    }


@click.command()
@click.option("--last", default=10, show_default=True, type=click.IntRange(min=1), help="How many runs to show.")
@click.option("--run", "run_id", type=int, help="Show what each source did in this run.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@pass_app
def status(app: App, last: int, run_id: int | None, fmt: str) -> None:
    """Show the last runs (newest first) and the work waiting; with --run, that run's sources."""
    from sqlalchemy import func, select

    from storage.models import CrawlRun, Delivery, SourceRun

    with app.db.session() as session:
        if run_id is not None:
            if session.get(CrawlRun, run_id) is None:
                fail_config(f"no run #{run_id}; `vigie status` lists the runs")
            records = session.scalars(
                select(SourceRun).where(SourceRun.run_id == run_id).order_by(SourceRun.status, SourceRun.source_id)
            )
            write_rows([source_row(r) for r in records], SOURCE_COLUMNS, fmt)
            return
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(last)))
        by_run: dict[int, list[SourceRun]] = {r.id: [] for r in runs}
        for record in session.scalars(select(SourceRun).where(SourceRun.run_id.in_(list(by_run)))):
            by_run[record.run_id].append(record)
        rows = [run_row(r, by_run[r.id]) for r in runs]
        owed = session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.PENDING)
        )
    write_rows(
        rows,
        RUN_COLUMNS,
        fmt,
        table_columns=(
            "run",
            "command",
            "started_at",
            "duration_s",
            "exit_code",
            "sources",
            "sources_failed",
            "documents_new",
            "new_hits",
            "alerts_sent",
            "failed_sources",
        ),
    )
    if fmt == "table":
        if not rows:
            click.echo("No run yet: `vigie run` crawls, analyses and alerts.")
        _waiting(app, owed)


def _waiting(app: App, owed: int) -> None:
    """The work waiting, and the documents analysis workers hold: being read, or held by one that stopped."""
    from nlp.stage import MAX_ATTEMPTS, held_documents, pending_count
    from storage.untrusted import without_controls
    from vigie.jobs import extraction_limits

    limits = extraction_limits(app.config)
    click.echo(f"Waiting: {pending_count(app.db, limits)} document(s) to analyse, {owed} alert delivery(ies) to send.")
    held = held_documents(app.db, limits)
    stopped = [h for h in held if h.stopped]
    if held:
        click.echo(
            f"Held by analysis workers: {len(held) - len(stopped)} being analysed, {len(stopped)} held by a "
            "worker that stopped (analysed again, alone, at the next analysis)."
        )
    for h in held[:HELD_SHOWN]:
        last = ": failed if its worker stops again" if h.attempts >= MAX_ATTEMPTS - 1 and h.stopped else ""
        click.echo(
            f"  {'stopped' if h.stopped else 'analysing':<9} {without_controls(h.url, keep='')} (worker "
            f"{h.worker}, since {h.since:%Y-%m-%d %H:%M} UTC, attempt {h.attempts}{last})"
            if h.since
            else f"{h.worker}, attempt {h.attempts}{last})"
        )
