"""Run the spiders of several sources in one Scrapy process and record them.

This is Vigie's side of a crawl: Scrapy settings from Vigie's configuration, the sources' rows,
and one Scrapy process for every source. ``spiders/`` stays a plain Scrapy project that knows
nothing of the command line; what it needs comes through settings.

Scrapy and Twisted are imported only when a source is to be crawled: a run whose sources are
all unchanged (:func:`skip_unchanged`) never loads them.
"""

from __future__ import annotations

import gc
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spiders.registry import SourceSpec
from storage.db import Database
from storage.models import Source
from vigie.config import Config

if TYPE_CHECKING:
    from scrapy.settings import Settings

log = logging.getLogger(__name__)


def crawler_settings(config: Config, run_id: int | None = None, overrides: dict | None = None) -> Settings:
    """Scrapy settings: ``spiders/settings.py`` with Vigie's configuration applied."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    data = config.data_path.resolve()
    settings.setdict(
        {
            "USER_AGENT": config.user_agent,
            "VIGIE_DATABASE_URL": config.database,
            "VIGIE_DATA_DIR": str(data),
            "VIGIE_RUN_ID": run_id,
            "VIGIE_RECHECK_AFTER_DAYS": config.recheck_after_days,
            "ROBOTSTXT_OBEY": config.obey_robots_txt,
            "AUTOTHROTTLE_ENABLED": config.autothrottle,
            "DOWNLOAD_DELAY": config.download_delay_s,
            "AUTOTHROTTLE_START_DELAY": max(config.download_delay_s, 0.0),
            "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrent_requests_per_domain,
            "DOWNLOAD_MAXSIZE": config.max_file_size_mb * 1024 * 1024,
            "CLOSESPIDER_TIMEOUT": config.source_time_budget_s,
            "DOWNLOAD_TIMEOUT": config.download_timeout_s,
            "RETRY_TIMES": config.retries,
            "VIGIE_RETRY_BACKOFF_BASE": config.retry_backoff_s,
            "HTTPCACHE_ENABLED": config.http_cache,
            "HTTPCACHE_DIR": str(data / "httpcache"),
            "LOG_LEVEL": config.log_level,
        },
        priority="cmdline",
    )
    # A progress bar on a terminal, a log line every 30 s otherwise (on when VIGIE_PROGRESS_SOURCES is set).
    settings["EXTENSIONS"] = {**settings.getdict("EXTENSIONS"), "vigie.progress.CrawlProgress": 510}
    if overrides:
        settings.setdict(overrides, priority="cmdline")
    return settings


def sync_sources(db: Database, specs: Iterable[SourceSpec]) -> None:
    """Create or update the ``sources`` rows of these sources (the registry is the truth)."""
    specs = list(specs)
    try:
        _write_sources(db, specs)
    except IntegrityError:
        # Another crawler of a distributed crawl inserted the same new sources meanwhile: update them.
        _write_sources(db, specs)


def _write_sources(db: Database, specs: list[SourceSpec]) -> None:
    with db.session() as session:
        existing = {s.id: s for s in session.scalars(select(Source))}
        for spec in specs:
            row = existing.get(spec.id) or Source(id=spec.id)
            row.name, row.country, row.platform, row.url = spec.name, spec.country, spec.platform, spec.url
            row.official_code = spec.official_code_text()
            row.language, row.timezone, row.enabled = spec.language, spec.timezone, spec.enabled
            row.origin, row.config = spec.origin, dict(spec.config)
            where = spec.coordinates or {}
            row.latitude, row.longitude = where.get("lat"), where.get("lon")
            session.add(row)


def skip_unchanged(
    config: Config, db: Database, specs: list[SourceSpec], run_id: int | None, overrides: dict | None = None
) -> list[SourceSpec]:
    """The sources of ``specs`` to crawl: those whose listings are unchanged since their last
    complete crawl (:mod:`spiders.unchanged`) are recorded as such in run ``run_id`` and left out.

    Not on a full crawl (``VIGIE_INCREMENTAL`` off, `vigie crawl --full`), a distributed one, a
    resumed one, or with ``conditional_listings`` off. If the check itself breaks, every source
    is crawled: it only ever saves work.
    """
    overrides = overrides or {}
    if (
        not config.conditional_listings
        or not overrides.get("VIGIE_INCREMENTAL", True)
        or overrides.get("VIGIE_REDIS_URL")
        or overrides.get("VIGIE_RESUME")
        or config.http_cache
        or not specs
    ):
        return specs
    from spiders.unchanged import Politeness, unchanged_sources

    politeness = Politeness(
        user_agent=config.user_agent,
        timeout_s=config.download_timeout_s,
        delay_s=config.download_delay_s,
        max_bytes=config.max_file_size_mb * 1024 * 1024,
        obey_robots=config.obey_robots_txt,
        threads=config.sources_at_once,  # waiting on the network: threads as many as spiders at once
    )
    try:
        unchanged = unchanged_sources(db, specs, politeness, config.recheck_after_days, run_id)
    except Exception:
        log.warning("The check of unchanged listings failed; every source is crawled", exc_info=True)
        return specs
    return [spec for spec in specs if spec.id not in unchanged]


def crawl(
    config: Config,
    specs: list[SourceSpec],
    run_id: int | None = None,
    overrides: dict | None = None,
    on_new_document: Callable[[], None] | None = None,
) -> None:
    """Crawl ``specs`` concurrently (one spider each) until all are done. Blocks.

    ``on_new_document`` is called (in the crawl's thread) after each item that stored a new or
    changed document: `vigie run` starts its analysis workers at the first one.
    Twisted's reactor cannot be restarted: call this once per process.
    """
    from scrapy.crawler import CrawlerProcess

    from spiders.jobdirs import make_crawler

    settings = crawler_settings(config, run_id, overrides)
    # The command line has configured logging already (vigie.cli.context.configure_logging).
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    settings.set("VIGIE_PROGRESS_SOURCES", len(specs), priority="cmdline")
    process = CrawlerProcess(settings)
    spiders = []
    for spec in specs:
        try:
            spiders.append((spec, process.spider_loader.load(spec.platform)))
        except KeyError:
            raise ValueError(f"{spec.path or spec.id}: no spider for platform {spec.platform!r}") from None
    waiting = deque(spiders)

    def start_next(result=None):
        # At most `sources_at_once` spiders run; each one that ends starts the next. A council's
        # server gets a request a second or so: the run's pace is how many are crawled at once,
        # and thousands of spiders at once would only share the CPU and the memory.
        if waiting:
            spec, spider_cls = waiting.popleft()
            crawler = make_crawler(process, spider_cls, spec)
            if on_new_document is not None:
                _watch_documents(crawler, on_new_document)
            process.crawl(crawler, source=spec).addBoth(_finished, crawler).addBoth(start_next)
        return result

    # What is loaded by now (Scrapy, Twisted, SQLAlchemy, the spiders' classes) lives as long as the
    # process: frozen, the collector's full collections no longer scan it during the crawl. Frozen
    # before any crawler is made: a crawler's objects go with it when its source is done.
    gc.freeze()
    for _ in range(min(config.sources_at_once, len(waiting))):
        start_next()
    process.start()


def _finished(result, crawler):
    # Done with at once, and not kept: a run over thousands of councils holds only those in flight.
    from spiders.jobdirs import clear_finished

    clear_finished([crawler])
    return result


def _watch_documents(crawler, callback: Callable[[], None]) -> None:
    from scrapy import signals

    def scraped(item, response, spider) -> None:
        stats = crawler.stats
        if stats.get_value("vigie/documents_new") or stats.get_value("vigie/documents_changed"):
            callback()

    crawler.signals.connect(scraped, signal=signals.item_scraped, weak=False)
