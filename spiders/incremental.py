"""Since when a source needs crawling again: the start of its last complete crawl.

APIs that can filter by modification time (OParl ``modified_since``, Legistar
``LastModifiedUtc``, a date field of an OpenDataSoft dataset) are asked only for what changed
since then. Only a crawl that ran to its end without listing errors counts: a crawl cut by the
time budget, or one that missed pages, must not hide what it did not see.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from storage.db import Database
from storage.models import SourceRun
from storage.states import RunStatus

# Server clocks, time zones and records written while we crawled: ask for a little more.
SAFETY_MARGIN = dt.timedelta(hours=24)


def last_complete_crawl(db: Database, source_id: str) -> dt.datetime | None:
    """When the last complete, error-free crawl of the source started (UTC), or None."""
    query = (
        select(SourceRun.started_at)
        .where(
            SourceRun.source_id == source_id,
            SourceRun.status == RunStatus.OK,
            SourceRun.finish_reason == "finished",
            SourceRun.errors - SourceRun.documents_failed == 0,
        )
        .order_by(SourceRun.started_at.desc())
        .limit(1)
    )
    with db.session() as session:
        return session.scalar(query)


def crawl_since(db: Database, source_id: str, margin: dt.timedelta = SAFETY_MARGIN) -> dt.datetime | None:
    """The time from which changes must be asked for, or None for a full crawl."""
    last = last_complete_crawl(db, source_id)
    return None if last is None else last - margin
