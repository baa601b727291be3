"""A fresh Vigie installation for one measurement: data folder, database, sources, and `vigie` runs.

The crawl settings are relaxed for our own server on loopback through Vigie's environment
variables (no delay, no AutoThrottle, 16 requests at a time): the production defaults, polite
to small council servers, are left alone.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.measure import Measure, python, run_command
from storage.db import Database
from storage.models import CrawlRun
from storage.schemas import scratch_schema

LOOPBACK_CRAWL = {
    "VIGIE_DOWNLOAD_DELAY_S": "0",
    "VIGIE_AUTOTHROTTLE": "false",
    "VIGIE_CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "VIGIE_DOWNLOAD_TIMEOUT_S": "30",
    "VIGIE_LOG_LEVEL": "WARNING",
}

SOURCE = """id: bench-c{council}
name: Conseil municipal de la commune {council} (benchmark)
country: FR
platform: html
url: {url}
language: fr
verified: true
established: "a generated benchmark site served on loopback by bench.site: its structure is known by construction"
"""


class Workspace:
    """A folder with its own data and database (SQLite, or a new schema of a PostgreSQL database)."""

    def __init__(self, folder: Path, database_url: str = "") -> None:
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "sources").mkdir(parents=True)
        self.folder = folder
        self._schema = ExitStack()  # the PostgreSQL schema, dropped on close
        if database_url and make_url(database_url).get_backend_name() == "postgresql":
            self.database_url = self._schema.enter_context(scratch_schema(database_url, prefix="bench"))
        else:
            self.database_url = database_url or f"sqlite:///{folder / 'data' / 'vigie.sqlite3'}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        env.update(LOOPBACK_CRAWL)
        env.update(
            {
                "VIGIE_DATA_DIR": str(self.folder / "data"),
                "VIGIE_DATABASE_URL": self.database_url,
                "VIGIE_CONFIG": "",
                "VIGIE_BUNDLED_SOURCES": "false",
                "VIGIE_SOURCES_DIRS": str(self.folder / "sources"),
            }
        )
        return env

    def add_councils(self, urls: list[str]) -> None:
        """One registry entry per council of the corpus site."""
        for council, url in enumerate(urls, start=1):
            (self.folder / "sources" / f"bench-c{council}.yaml").write_text(
                SOURCE.format(council=council, url=url), encoding="utf-8"
            )

    def vigie(self, *args: str, timeout: float = 1800) -> Measure:
        measure = run_command(python("-m", "vigie", *args), self.env(), self.folder, timeout)
        if measure.returncode != 0:
            raise RuntimeError(f"vigie {' '.join(args)} exited with {measure.returncode}:\n{measure.stderr[-3000:]}")
        return measure

    def database(self) -> Database:
        return Database(self.database_url)

    def last_run(self) -> dict:
        """The last `vigie run`/`vigie crawl` by its own records.

        ``run_s``: from its start to its end in the process (without the interpreter's start-up);
        ``spider_s``: the longest spider, from its opening to its closing, as Scrapy times a crawl;
        ``requests``: the requests its spiders made; ``summary``: the run's stored summary.
        """
        db = self.database()
        try:
            with db.session() as session:
                run = session.scalar(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1))
                return {
                    "run_s": (run.finished_at - run.started_at).total_seconds(),
                    "spider_s": max((r.duration_s for r in run.sources), default=0.0),
                    "requests": sum(r.requests for r in run.sources),
                    "summary": dict(run.summary),
                }
        finally:
            db.dispose()

    def close(self) -> None:
        self._schema.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
