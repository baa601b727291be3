"""Run the spiders of several sources in one Scrapy process and record them."""

from __future__ import annotations

from typing import Iterable

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spiders.jobdirs import clear_finished, make_crawler
from spiders.registry import SourceSpec
from storage.db import Database
from storage.models import Source
from vigie.config import Config


def crawler_settings(config: Config, run_id: int | None = None, overrides: dict | None = None) -> Settings:
    """Scrapy settings: ``spiders/settings.py`` with Vigie's configuration applied."""
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    data = config.data_path.resolve()
    settings.setdict({
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
    }, priority="cmdline")
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


def crawl(config: Config, specs: list[SourceSpec], run_id: int | None = None,
          overrides: dict | None = None) -> None:
    """Crawl ``specs`` concurrently (one spider each) until all are done. Blocks.

    Twisted's reactor cannot be restarted: call this once per process.
    """
    settings = crawler_settings(config, run_id, overrides)
    # The command line has configured logging already (vigie.cli.context.configure_logging).
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    settings.set("VIGIE_PROGRESS_SOURCES", len(specs), priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers = []
    for spec in specs:
        try:
            spider_cls = process.spider_loader.load(spec.platform)
        except KeyError:
            raise ValueError(f"{spec.path or spec.id}: no spider for platform {spec.platform!r}") from None
        crawlers.append(make_crawler(process, spider_cls, spec))
        process.crawl(crawlers[-1], source=spec)
    process.start()
    clear_finished(crawlers)
