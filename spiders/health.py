"""The health of every source: its last crawl, what it stored, and whether it needs a maintainer.

Silent breakage is the main failure of this field: a redesigned site yields no error, only
nothing. A source is flagged ``failing`` when its last crawl failed, ``empty`` when it found
nothing, ``silent`` when nothing new came for longer than its usual publication interval
(``publication_interval_days`` in the registry), ``never crawled`` when enabled but not run.
:func:`new_problems` lists only the new ones (a source that starts failing, or that has just
crossed its interval), so that a cron job does not repeat the same alert every night;
``vigie.maintainers`` sends them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from spiders.registry import SourceSpec
from storage.db import Database
from storage.models import Document, SourceRun, utcnow
from storage.states import RunStatus


@dataclass
class Health:
    """One source's coverage and health, as ``vigie sources`` shows it."""

    spec: SourceSpec
    last_result: str | None = None  # ok, empty, failed
    last_run: dt.datetime | None = None
    last_error: str | None = None
    documents: int = 0
    last_new: dt.datetime | None = None  # the last time a document appeared or changed
    first_run: dt.datetime | None = None
    flag: str = ""
    blocked: int = 0  # pages and documents its robots.txt forbade in the last crawl

    @property
    def silent_since(self) -> dt.datetime | None:
        """When the source became silent: its interval after the last news (or its first crawl)."""
        start = self.last_new or self.first_run
        return None if start is None else start + dt.timedelta(days=self.spec.publication_interval_days)

    @property
    def status(self) -> str:
        """enabled, disabled, unverified (so disabled), or no channel (no URL known yet)."""
        if not self.spec.url:
            return "no channel"
        if self.spec.enabled:
            return "enabled"
        return "disabled" if self.spec.verified else "unverified"

    def as_row(self) -> dict:
        return {
            "id": self.spec.id,
            "platform": self.spec.platform,
            "country": self.spec.country,
            "status": self.status,
            "verified": "yes" if self.spec.verified else "no",
            "enabled": "yes" if self.spec.enabled else "no",
            "last_result": self.last_result or "-",
            "last_run": self.last_run.date() if self.last_run else None,
            "documents": self.documents,
            "last_new": self.last_new.date() if self.last_new else None,
            "blocked": self.blocked,
            "flag": self.flag,
            "error": self.last_error,
            "name": self.spec.name,
            "url": self.spec.url,
        }


def flag_for(health: Health, now: dt.datetime) -> str:
    if not health.spec.enabled:
        return ""
    if health.last_result is None:
        return "never crawled"
    if health.last_result == RunStatus.FAILED:
        return "failing"
    if health.last_result == RunStatus.EMPTY:
        return "empty"
    silent_since = health.silent_since
    if silent_since is not None and now >= silent_since:
        return "silent"
    return ""


def source_health(db: Database, specs: Iterable[SourceSpec], now: dt.datetime | None = None) -> list[Health]:
    """The health of each source, in the order given."""
    now = now or utcnow()
    specs = list(specs)
    ids = [s.id for s in specs]
    last_runs = _last_runs(db, ids)
    with db.session() as session:
        first_runs = dict(
            session.execute(
                select(SourceRun.source_id, func.min(SourceRun.started_at))
                .where(SourceRun.source_id.in_(ids))
                .group_by(SourceRun.source_id)
            ).all()
        )
        documents = {
            source_id: (count, changed)
            for source_id, count, changed in session.execute(
                select(Document.source_id, func.count(Document.id), func.max(Document.changed_at))
                .where(Document.source_id.in_(ids))
                .group_by(Document.source_id)
            )
        }
    result = []
    for spec in specs:
        run = last_runs.get(spec.id)
        count, changed = documents.get(spec.id, (0, None))
        health = Health(
            spec,
            run.status if run else None,
            run.finished_at if run else None,
            run.error if run else None,
            count,
            changed,
            first_runs.get(spec.id),
            blocked=run.blocked if run else 0,
        )
        health.flag = flag_for(health, now)
        result.append(health)
    return result


def new_problems(db: Database, specs: Iterable[SourceSpec], run_id: int, now: dt.datetime | None = None) -> list[str]:
    """One line per source of this run that has just started failing or has just gone silent."""
    now = now or utcnow()
    healths = source_health(db, specs, now)
    earlier = (SourceRun.run_id != run_id) | SourceRun.run_id.is_(None)
    previous_runs = _last_runs(db, [h.spec.id for h in healths], earlier)
    lines = []
    for health in healths:
        previous = previous_runs.get(health.spec.id)
        if health.flag in ("failing", "empty") and (previous is None or previous.status == RunStatus.OK):
            lines.append(
                f"{health.spec.id} ({health.spec.platform}): {health.flag}: "
                f"{health.last_error or 'no error recorded'} — {health.spec.url}"
            )
        elif health.flag == "silent" and (
            previous is None or previous.finished_at is None or previous.finished_at < health.silent_since
        ):
            last = health.last_new.date().isoformat() if health.last_new else "never"
            lines.append(
                f"{health.spec.id} ({health.spec.platform}): silent: nothing new since {last}, "
                f"longer than its usual {health.spec.publication_interval_days} days — {health.spec.url}"
            )
    return lines


def _last_runs(db: Database, source_ids: list[str], *conditions) -> dict[str, SourceRun]:
    """Each source's last crawl (among those meeting ``conditions``), by source id."""
    last_ids = (
        select(func.max(SourceRun.id))
        .where(SourceRun.source_id.in_(source_ids), *conditions)
        .group_by(SourceRun.source_id)
    )
    with db.session() as session:
        return {r.source_id: r for r in session.scalars(select(SourceRun).where(SourceRun.id.in_(last_ids)))}
