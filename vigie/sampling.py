"""A short live crawl of one source into a scratch database: `vigie source check` and `record`.

It never touches the real database (no incremental state, no health record, no alert), asks
for everything (not only changes), stops after a few pages and downloads a few documents only.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from spiders.registry import SourceSpec
from storage.db import Database
from storage.models import Document, SourceRun
from storage.states import RunStatus
from vigie.config import Config
from vigie.crawl import crawl, sync_sources
from vigie.jobs import start_run


@dataclass
class Sample:
    """What a sample crawl found: its health record's result, and every document it stored."""

    status: RunStatus
    error: str | None
    documents: list[Document]
    finish_reason: str | None


def sample_crawl(
    config: Config, spec: SourceSpec, pages: int, documents: int, record_dir: Path | None = None
) -> Sample:
    """Crawl ``spec`` for at most ``pages`` responses and ``documents`` downloads. Blocks (Twisted)."""
    return sample_crawls(config, [spec], pages, documents, record_dir)[spec.id]


def sample_crawls(
    config: Config, specs: list[SourceSpec], pages: int, documents: int, record_dir: Path | None = None
) -> dict[str, Sample]:
    """Crawl every spec at once, each for at most ``pages`` responses and ``documents`` downloads,
    into one scratch database; each one's Sample by source id. Blocks (Twisted: once per process)."""
    scratch = Path(tempfile.mkdtemp(prefix="vigie-sample-"))
    scratch_config = config.with_overrides(data_dir=str(scratch), database_url="")
    db = Database(scratch_config.database)
    try:
        sync_sources(db, specs)
        run_id = start_run(db, "check")
        crawl(
            scratch_config,
            specs,
            run_id,
            {
                "CLOSESPIDER_PAGECOUNT": pages,
                "VIGIE_SAMPLE_DOCUMENTS": documents,
                "VIGIE_RECORD_DIR": str(record_dir) if record_dir else "",
                "VIGIE_INCREMENTAL": False,
            },
        )
        with db.session() as session:
            runs = {r.source_id: r for r in session.scalars(select(SourceRun).where(SourceRun.run_id == run_id))}
            # Undated documents last on PostgreSQL too (it puts NULLs first in a descending order).
            docs = list(
                session.scalars(select(Document).order_by(Document.meeting_date.desc().nulls_last(), Document.id))
            )
        samples = {}
        for spec in specs:
            found = [d for d in docs if d.source_id == spec.id]
            run = runs.get(spec.id)
            samples[spec.id] = (
                Sample(run.status, run.error, found, run.finish_reason)
                if run
                else Sample(RunStatus.FAILED, "the crawl did not run", found, None)
            )
        return samples
    finally:
        db.dispose()
        shutil.rmtree(scratch, ignore_errors=True)
